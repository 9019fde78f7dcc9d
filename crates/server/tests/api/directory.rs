//! The unit directory, search however it is typed, responsibility on a date, and the public pages.

use serde_json::Value;

use crate::support::TestApp;

fn find<'a>(nodes: &'a [Value], code: &str) -> Option<&'a Value> {
    nodes.iter().find_map(|n| {
        if n["code"] == code {
            Some(n)
        } else {
            find(n["children"].as_array().map(Vec::as_slice).unwrap_or(&[]), code)
        }
    })
}

#[tokio::test]
async fn the_directory_is_the_2020_tree() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/units", None).await;
    assert_eq!(status, 200);
    let roots = body["units"].as_array().unwrap();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0]["name"], "Công an tỉnh Đắk Lắk");
    let district = find(roots, "ca-huyen-cu-mgar").expect("district police");
    let children = district["children"].as_array().unwrap();
    let communes = children.iter().filter(|c| c["kind"] == "commune_police").count();
    let teams = children.iter().filter(|c| c["kind"] == "team").count();
    let youth = children.iter().filter(|c| c["kind"] == "youth_union").count();
    assert_eq!((communes, teams, youth), (17, 3, 1));
    assert!(find(roots, "pcsd-dak-lak").is_some_and(|u| u["kind"] == "mobile_police"));
    assert!(find(roots, "ca-phuong-tan-loi").is_some());

    // On a day after the reform, the district police are gone and the merged communes' units stand.
    let (_, later) = app.get_json("/api/v1/units?on=2026-01-01", None).await;
    let roots = later["units"].as_array().unwrap();
    assert!(find(roots, "ca-huyen-cu-mgar").is_none());
    assert!(find(roots, "ca-xa-cu-mgar-2025").is_some());
}

#[tokio::test]
async fn search_finds_ea_kpam_however_it_is_typed() {
    let app = TestApp::spawn().await;
    for q in ["ea kpam", "Ea KPam", "EA KPAM", "Ea Kpam", "Êa Kpăm", "ea%20kpam"] {
        let (status, body) = app.get_json(&format!("/api/v1/units/search?q={}", q.replace(' ', "+")), None).await;
        assert_eq!(status, 200);
        let codes: Vec<&str> = body["units"].as_array().unwrap().iter().filter_map(|u| u["code"].as_str()).collect();
        assert!(codes.contains(&"ca-xa-ea-kpam"), "{q}: {codes:?}");
    }
    let (_, body) = app.get_json("/api/v1/units/search?q=%25", None).await;
    assert_eq!(body["units"].as_array().unwrap().len(), 0, "LIKE wildcards match themselves");
    let (status, html) = app.page("/units?q=Ea+KPam").await;
    assert_eq!(status, 200);
    assert!(html.contains("Công an xã Ea KPam"));
    let (_, html) = app.page("/units?q=zzzz").await;
    assert!(html.contains("Không có kết quả."));
}

#[tokio::test]
async fn who_is_responsible_for_ea_kpam_then_and_now() {
    let app = TestApp::spawn().await;
    let legacy =
        app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_some()).unwrap();
    assert_eq!(legacy.name, "Xã Ea KPam");
    let (status, then) =
        app.get_json(&format!("/api/v1/areas/{}/responsible-unit?date=2020-06-17", legacy.id), None).await;
    assert_eq!(status, 200);
    assert_eq!(then["unit"]["code"], "ca-xa-ea-kpam");
    let (_, now) = app.get_json(&format!("/api/v1/areas/{}/responsible-unit?date=2026-01-01", legacy.id), None).await;
    assert_eq!(now["unit"]["code"], "ca-xa-cu-mgar-2025");
    let (status, bad) =
        app.get_json(&format!("/api/v1/areas/{}/responsible-unit?date=2026-13-01", legacy.id), None).await;
    assert_eq!((status, bad["error"]["code"].as_str()), (422, Some("invalid_date")));

    let (_, detail) = app.get_json(&format!("/api/v1/areas/{}", legacy.id), None).await;
    assert_eq!(detail["successors"][0]["area"]["name"], "Xã Cư M'gar");
    assert_eq!(detail["successors"][0]["is_default"], true);
    assert_eq!(detail["ancestors"][0]["name"], "Huyện Cư M'gar");
    let villages: Vec<&str> =
        detail["children"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert!(villages.contains(&"Buôn Bling"), "{villages:?}");
}

#[tokio::test]
async fn areas_by_code_cover_both_editions() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/areas?code=24280", None).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body["areas"].as_array().unwrap().iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, vec!["Xã Cư M'gar", "Xã Ea KPam"], "current first");
    let (_, district) = app.get_json("/api/v1/areas?code=648", None).await;
    let district = &district["areas"][0];
    assert_eq!((district["level"].as_str(), district["valid_to"].as_str()), (Some("district"), Some("2025-07-01")));
    let (_, children) = app.get_json(&format!("/api/v1/areas/{}", district["id"]), None).await;
    assert_eq!(children["children"].as_array().unwrap().len(), 17);
}

#[tokio::test]
async fn unit_and_area_pages() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page("/units/ca-xa-ea-kpam").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"unit-name\">Công an xã Ea KPam"));
    assert!(html.contains("đến trước ngày 01/07/2025"), "dates as dd/mm/yyyy");
    // Ended: the page says since when and what it became, and is kept as an archive.
    assert!(html.contains("Đơn vị đã kết thúc hoạt động từ ngày 01/07/2025"), "{html}");
    assert!(
        html.contains("id=\"unit-successor\">Công an xã Cư M&#39;gar")
            || html.contains("id=\"unit-successor\">Công an xã Cư M'gar"),
        "{html}"
    );
    let (status, _) = app.page("/units/nope").await;
    assert_eq!(status, 404);
    let legacy =
        app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_some()).unwrap();
    let (status, html) = app.page(&format!("/areas/{}", legacy.id)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Sáp nhập vào") && html.contains("Xã Cư M&#39;gar") || html.contains("Xã Cư M'gar"));
    let (_, tree) = app.page("/units").await;
    assert!(tree.contains("id=\"unit-tree\"") && tree.contains("Phòng Cảnh sát cơ động"));
}

#[tokio::test]
async fn the_directory_copy_follows_writes() {
    let app = TestApp::spawn().await;
    app.get_json("/api/v1/units", None).await;
    // A unit created through this node shows at once.
    let token = app.token(crate::support::PROVINCE_ADMIN).await;
    let body =
        serde_json::json!({"code": "doi-moi", "kind": "team", "name": "Đội mới", "parent_code": "ca-tinh-dak-lak"});
    assert_eq!(app.post_json("/api/v1/units", &body, Some(&token)).await.0, 201);
    let (_, tree) = app.get_json("/api/v1/units", None).await;
    assert!(find(tree["units"].as_array().unwrap(), "doi-moi").is_some());

    // One written behind this node's back (another node, the command line) shows within seconds.
    let mut tx = app.store.begin().await.unwrap();
    let unit = binhyen_store::units::NewUnit {
        code: "doi-khac".into(),
        kind: binhyen_domain::UnitKind::Team,
        name: "Đội khác".into(),
        parent_id: None,
        contact: Default::default(),
        valid_from: None,
        valid_to: None,
    };
    binhyen_store::units::insert(&mut tx, &unit, 0).await.unwrap();
    tx.commit().await.unwrap();
    app.clock.advance(time::Duration::seconds(3));
    let (_, tree) = app.get_json("/api/v1/units", None).await;
    assert!(find(tree["units"].as_array().unwrap(), "doi-khac").is_some());
}
