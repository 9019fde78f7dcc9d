//! Photos and videos on tips: what is stored has no location or device metadata, and anything that is not
//! really a photo or a video is refused.

use serde_json::json;

use crate::media_fixtures as fx;
use crate::support::{TestApp, CU_MGAR_COMMANDER};

async fn anonymous_tip(app: &TestApp) -> (i64, String) {
    let area =
        app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_some()).unwrap().id;
    let body = json!({"category": "theft", "description": "Máy bơm và máy cắt cỏ bị trộm ở thôn 8.",
        "area_id": area, "protection": "anonymous"});
    let (status, sent) = app.post_json("/api/v1/tips", &body, None).await;
    assert_eq!(status, 201);
    (sent["id"].as_i64().unwrap(), sent["receipt"].as_str().unwrap().to_owned())
}

async fn upload(
    app: &TestApp,
    tip: i64,
    receipt: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> (u16, serde_json::Value) {
    let res = app
        .api
        .post(app.at(&format!("/api/v1/tips/{tip}/attachments")))
        .header("x-receipt", receipt)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_home_camera_photo_is_stored_without_its_location() {
    let app = TestApp::spawn().await;
    let (tip, receipt) = anonymous_tip(&app).await;
    let photo = fx::jpeg_with(&[fx::exif_app1(None), fx::xmp_app1()]);
    assert!(fx::contains(&photo, &fx::GPS_LATITUDE) && fx::contains(&photo, fx::CAMERA_MAKE));
    let (status, stored) = upload(&app, tip, &receipt, photo, "image/png").await;
    assert_eq!(status, 201, "{stored}");
    assert_eq!((stored["kind"].as_str(), stored["width"].as_i64()), (Some("jpg"), Some(16)), "sniffed, not trusted");

    // Read the stored file back from disk.
    let keys = app.core.objects.keys().unwrap();
    assert_eq!(keys.len(), 1);
    let on_disk = app.core.objects.get(&keys[0]).unwrap();
    assert!(!fx::contains(&on_disk, &fx::GPS_LATITUDE), "no GPS");
    assert!(!fx::contains(&on_disk, fx::CAMERA_MAKE), "no device");
    assert!(!fx::contains(&on_disk, b"Exif") && !fx::contains(&on_disk, fx::XMP));

    let officer = app.token(CU_MGAR_COMMANDER).await;
    let res = app
        .api
        .get(app.at(&format!("/api/v1/tips/{tip}/attachments/{}", stored["id"])))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), on_disk);
    let (_, view) = app.get_json(&format!("/api/v1/tips/{tip}"), Some(&officer)).await;
    assert_eq!(view["attachments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn what_is_not_a_photo_or_video_is_refused() {
    let app = TestApp::spawn().await;
    let (tip, receipt) = anonymous_tip(&app).await;
    let mut truncated = fx::jpeg();
    truncated.truncate(truncated.len() - 6);
    let mut oversize = fx::jpeg();
    oversize.resize(10 * 1024 * 1024 + 1, 0);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"<!doctype html><script>alert(1)</script>".to_vec(), "unsupported_type"),
        (b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec(), "unsupported_type"),
        (b"GIF89a\x01\0\x01\0".to_vec(), "unsupported_type"),
        (truncated, "corrupt_file"),
        (oversize, "too_large"),
        (Vec::new(), "empty"),
    ];
    for (bytes, code) in cases {
        let (status, body) = upload(&app, tip, &receipt, bytes, "image/jpeg").await;
        assert_eq!(
            (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (422, Some(code), Some("file"))
        );
    }
    assert!(app.core.objects.keys().unwrap().is_empty(), "nothing stored");

    let huge = vec![0u8; 52 * 1024 * 1024];
    let (status, body) = upload(&app, tip, &receipt, huge, "video/mp4").await;
    assert_eq!((status, body["error"]["code"].as_str()), (413, Some("body_too_large")));
}

#[tokio::test]
async fn only_the_tipster_or_its_officers_attach() {
    let app = TestApp::spawn().await;
    let (tip, _) = anonymous_tip(&app).await;
    let (status, body) = upload(&app, tip, "0000-0000-0000-0000", fx::jpeg(), "image/jpeg").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("receipt_not_found")));
    let res = app.api.post(app.at(&format!("/api/v1/tips/{tip}/attachments"))).body(fx::jpeg()).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let (other, other_receipt) = anonymous_tip(&app).await;
    assert_ne!(other, tip);
    let (status, _) = upload(&app, tip, &other_receipt, fx::jpeg(), "image/jpeg").await;
    assert_eq!(status, 404, "a receipt opens its own tip only");
    assert!(app.store.tip_attachments(other).await.unwrap().is_empty(), "and nothing was attached to either");
    assert!(app.store.tip_attachments(tip).await.unwrap().is_empty());
    let stranger = app.token(crate::support::TAN_LOI_OFFICER).await;
    let res = app
        .api
        .post(app.at(&format!("/api/v1/tips/{tip}/attachments")))
        .bearer_auth(&stranger)
        .body(fx::png())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}
