//! Procedure guides and the forms library end to end: commanders write guides and upload forms; anyone reads,
//! searches without tones ("mat can cuoc"), downloads (counted; the newest version offered, older ones kept);
//! what is refused (an executable or HTML as a form, a version twice, an officer of another unit, bad fields).

use std::io::Write;

use serde_json::{json, Value};

use crate::support::*;

const PAGE: &str = "/api/v1/pages/ca-xa-cu-mgar-2025";

fn lost_card() -> Value {
    json!({
        "title": "Cấp lại thẻ căn cước khi bị mất",
        "summary": "Công dân bị mất thẻ căn cước đề nghị cấp lại tại công an xã nơi cư trú.",
        "documents": "- Tờ khai CC01\n- Giấy tờ chứng minh thông tin cư trú (nếu có thay đổi)",
        "fee": "70.000 đồng",
        "processing_time": "7 ngày làm việc",
        "place": "Trụ sở Công an xã Cư M'gar, sáng thứ Hai đến thứ Sáu",
        "form_codes": "cc01",
    })
}

fn residence() -> Value {
    json!({
        "title": "Đăng ký thường trú",
        "summary": "Đăng ký thường trú khi chuyển đến nơi ở mới hợp pháp.",
        "documents": "- Tờ khai thay đổi thông tin cư trú CT01\n- Giấy tờ chứng minh chỗ ở hợp pháp",
        "fee": "Miễn phí khi nộp trực tuyến",
        "processing_time": "7 ngày làm việc",
        "place": "Công an xã nơi đăng ký thường trú hoặc Cổng dịch vụ công",
        "form_codes": "CT01",
    })
}

/// A minimal Word file: an archive with the entries a DOCX must have.
fn docx() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["[Content_Types].xml", "word/document.xml"] {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"<w:document/>").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn upload(app: &TestApp, token: &str, code: &str, version: &str, bytes: Vec<u8>) -> (u16, Value) {
    let url = app.at(&format!("{PAGE}/forms/{code}?title=T%E1%BB%9D%20khai&version={version}"));
    let res = reqwest::Client::new().put(url).bearer_auth(token).body(bytes).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn guides_are_written_by_commanders_and_found_without_tones() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (_, before) = app.get_json("/api/v1/guides?unit=ca-xa-cu-mgar-2025", None).await;
    let demo = before.as_array().unwrap().len();
    for body in [lost_card(), residence()] {
        let (status, guide) = app.post_json(&format!("{PAGE}/guides"), &body, Some(&commander)).await;
        assert_eq!(status, 201, "{guide}");
    }
    let admin = app.token(PROVINCE_ADMIN).await;
    let mut province = residence();
    province["title"] = json!("Đăng ký tạm trú");
    let (status, _) = app.post_json("/api/v1/pages/ca-tinh-dak-lak/guides", &province, Some(&admin)).await;
    assert_eq!(status, 201);

    let (status, found) = app.get_json("/api/v1/guides?q=mat%20can%20cuoc", None).await;
    assert_eq!(status, 200);
    assert_eq!(found[0]["title"], "Cấp lại thẻ căn cước khi bị mất", "{found}");
    assert_eq!(found[0]["form_codes"], "CC01", "codes normalised");
    let (_, found) =
        app.get_json("/api/v1/guides?q=%C4%91%C4%83ng%20k%C3%BD%20th%C6%B0%E1%BB%9Dng%20tr%C3%BA", None).await;
    assert_eq!(found[0]["title"], "Đăng ký thường trú", "with tones too: {found}");
    let (_, none) = app.get_json("/api/v1/guides?q=xe%20may%20bi%20trom", None).await;
    assert!(none.as_array().unwrap().is_empty(), "nothing shares half the words: {none}");
    // At a commune: its own guides and the province's; elsewhere, not the commune's.
    let (_, here) = app.get_json("/api/v1/guides?unit=ca-xa-cu-mgar-2025", None).await;
    assert_eq!(here.as_array().unwrap().len(), demo + 3);
    let (_, there) = app.get_json("/api/v1/guides?unit=ca-phuong-tan-an-2025", None).await;
    assert_eq!(there.as_array().unwrap().len(), 1, "only the province-wide one: {there}");
    let (_, there) = app.get_json("/api/v1/guides?q=mat%20can%20cuoc&unit=ca-phuong-tan-an-2025", None).await;
    assert!(there.as_array().unwrap().is_empty());

    // Edits; bad input; who.
    let id = found_id(&app, "Cấp lại thẻ").await;
    let mut edited = lost_card();
    edited["fee"] = json!("70.000 đồng (miễn cho người thuộc hộ nghèo)");
    let (status, guide) =
        app.send_json(reqwest::Method::PUT, &format!("/api/v1/guides/{id}"), &edited, Some(&commander)).await;
    assert_eq!((status, &guide["fee"]), (200, &edited["fee"]));
    for (field, value, code) in [
        ("title", json!(" "), "required"),
        ("form_codes", json!("CT01, <b>"), "invalid_form_code"),
        ("documents", json!("x".repeat(4001)), "too_long"),
    ] {
        let mut bad = lost_card();
        bad[field] = value;
        let (status, body) = app.post_json(&format!("{PAGE}/guides"), &bad, Some(&commander)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (422, Some(code), Some(field))
        );
    }
    for phone in [TAN_LOI_OFFICER, CU_MGAR_DUTY_OFFICER, CITIZEN_HDAO] {
        let (status, _) = app.post_json(&format!("{PAGE}/guides"), &lost_card(), Some(&app.token(phone).await)).await;
        assert_eq!(status, 403, "{phone}");
    }
    let (status, body) = app.get_json("/api/v1/guides/999999", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("guide_not_found")));
    let (status, body) = app.get_json("/api/v1/guides", None).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("q")));
}

async fn found_id(app: &TestApp, title_start: &str) -> i64 {
    let (_, all) = app.get_json("/api/v1/guides?unit=ca-xa-cu-mgar-2025", None).await;
    all.as_array().unwrap().iter().find(|g| g["title"].as_str().unwrap().starts_with(title_start)).unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn forms_keep_their_versions_offer_the_newest_and_count_downloads() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (status, first) = upload(&app, &commander, "ct03", "2021", PDF.to_vec()).await;
    assert_eq!((status, first["kind"].as_str()), (201, Some("pdf")), "{first}");
    let kept_as = "/api/v1/pages/ca-xa-cu-mgar-2025/forms/CT03/download?version=2021";
    assert_eq!(first["download_url"], kept_as, "the code as kept, whatever its case when sent");
    let (status, second) = upload(&app, &commander, "CT03", "2023", docx()).await;
    assert_eq!((status, second["kind"].as_str()), (201, Some("docx")), "{second}");

    let (_, forms) = app.get_json(&format!("{PAGE}/forms"), None).await;
    let demo = forms.as_array().unwrap().len() - 1;
    let form = forms.as_array().unwrap().iter().find(|f| f["code"] == "CT03").unwrap().clone();
    assert_eq!((&form["code"], &form["title"]), (&json!("CT03"), &json!("Tờ khai")), "{forms}");
    assert_eq!(form["current"]["version"], "2023");
    assert_eq!(form["older"][0]["version"], "2021", "old versions are kept");
    let res = app.api.get(app.at(form["current"]["download_url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"CT03-2023.docx\"");
    assert_eq!(res.bytes().await.unwrap().to_vec(), docx());
    let res = app.api.get(app.at(form["older"][0]["download_url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let (_, forms) = app.get_json(&format!("{PAGE}/forms"), None).await;
    let form = forms.as_array().unwrap().iter().find(|f| f["code"] == "CT03").unwrap().clone();
    assert_eq!(form["downloads"], 2);

    // Refused: an executable, an HTML page, a renamed archive; the same version twice; another unit's officer.
    for bad in [b"MZ\x90\x00\x03\x00 an executable".to_vec(), b"<!doctype html><script>alert(1)</script>".to_vec()] {
        let (status, body) = upload(&app, &commander, "CT02", "1", bad).await;
        assert_eq!(
            (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (422, Some("unsupported_type"), Some("file"))
        );
    }
    let (status, body) = upload(&app, &commander, "CT03", "2023", PDF.to_vec()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("version_exists")));
    let (status, body) = upload(&app, &commander, "C T<01>", "1", PDF.to_vec()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_form_code")), "{body}");
    let (status, _) = upload(&app, &app.token(TAN_LOI_OFFICER).await, "CT09", "1", PDF.to_vec()).await;
    assert_eq!(status, 403);
    let (status, body) = app.get_json(&format!("{PAGE}/forms/CT09/download"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("form_not_found")));
    let (_, forms) = app.get_json(&format!("{PAGE}/forms"), None).await;
    assert_eq!(forms.as_array().unwrap().len(), demo + 1, "nothing half-written: {forms}");
    // The sweep of unreferenced objects keeps forms.
    app.clock.advance(time::Duration::hours(2));
    app.core.sweep_attachments().await.unwrap();
    let res = app.api.get(app.at(form["current"]["download_url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_demo_has_guides_forms_and_hdaos_answered_question() {
    let app = TestApp::spawn().await;
    let (_, found) = app.get_json("/api/v1/guides?q=mat%20can%20cuoc&unit=ca-xa-ea-kpam", None).await;
    assert_eq!(found[0]["title"], "Cấp lại thẻ căn cước", "{found}");
    let (_, forms) = app.get_json("/api/v1/pages/ca-xa-cu-mgar-2025/forms", None).await;
    let codes: Vec<&str> = forms.as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["CC01", "CT01"]);
    // (The demo's files live in the object store of the `binhyen demo` run, not in this test's.)
    assert_eq!((&forms[1]["current"]["kind"], &forms[1]["current"]["version"]), (&json!("pdf"), &json!("2021")));
    let (_, mine) = app.get_json("/api/v1/me/questions", Some(&app.token(CITIZEN_HDAO).await)).await;
    assert_eq!(
        (&mine[0]["state"], &mine[0]["created_at"]),
        (&json!("answered"), &json!("2020-06-16T13:05:00Z")),
        "{mine}"
    );
}
