//! Questions end to end: H'Đào Niê asks her commune how to replace a lost ID card (with a photo, cleaned), an
//! officer answers from a canned reply, she is told, writes again (open), it is closed; a commander turns it
//! into a public guide without her name; what is refused (an empty question, an officer of another unit,
//! strangers, writing in a closed question, a guide from an unanswered question).

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::*;

const PAGE: &str = "/api/v1/pages/ca-xa-cu-mgar-2025";
const QUESTION: &str = "Tôi bị mất căn cước, cần mang giấy tờ gì để làm lại ạ?";

async fn ask(app: &TestApp, token: &str) -> i64 {
    let (status, q) = app.post_json(&format!("{PAGE}/questions"), &json!({"body": QUESTION}), Some(token)).await;
    assert_eq!((status, q["state"].as_str()), (201, Some("open")), "{q}");
    q["id"].as_i64().unwrap()
}

async fn write(app: &TestApp, token: &str, id: i64, body: &str) -> (u16, Value) {
    app.post_json(&format!("/api/v1/questions/{id}/messages"), &json!({"body": body}), Some(token)).await
}

#[tokio::test]
async fn a_question_is_answered_followed_up_closed_and_becomes_a_guide() {
    use crate::media_fixtures as fx;
    let app = TestApp::spawn().await;
    let hdao = app.token(CITIZEN_HDAO).await;
    let id = ask(&app, &hdao).await;
    let res = reqwest::Client::new()
        .put(app.at(&format!("/api/v1/questions/{id}/photo")))
        .bearer_auth(&hdao)
        .body(fx::jpeg_with(&[fx::exif_app1(Some(1))]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The unit's officers see it (photo without metadata); a canned reply answers it.
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let (_, open) = app.get_json(&format!("{PAGE}/questions?state=open"), Some(&officer)).await;
    assert_eq!(open[0]["id"], id);
    let photo =
        app.api.get(app.at(&format!("/api/v1/questions/{id}/photo"))).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(photo.status(), 200);
    assert!(!fx::contains(&photo.bytes().await.unwrap(), b"Exif"));
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let canned =
        json!({"title": "Cấp lại căn cước", "body": "Chị mang tờ khai CC01 đến công an xã; lệ phí 70.000 đồng."});
    let (status, _) = app.post_json(&format!("{PAGE}/canned-replies"), &canned, Some(&commander)).await;
    assert_eq!(status, 201);
    let (_, replies) = app.get_json(&format!("{PAGE}/canned-replies"), Some(&officer)).await;
    let (status, thread) = write(&app, &officer, id, replies[0]["body"].as_str().unwrap()).await;
    assert_eq!((status, &thread["question"]["state"]), (201, &json!("answered")), "{thread}");
    let (_, notes) = app.get_json("/api/v1/me/notifications", Some(&hdao)).await;
    assert_eq!(notes["notifications"][0]["kind"], "question_answered");

    // She writes again: open; answered again; she closes it; nothing more can be written.
    let (_, thread) = write(&app, &hdao, id, "Em cảm ơn. Có cần ảnh thẻ không ạ?").await;
    assert_eq!(thread["question"]["state"], "open");
    write(&app, &officer, id, "Không cần ảnh, chụp tại chỗ.").await;
    let (status, closed) = app.post_json(&format!("/api/v1/questions/{id}/close"), &json!({}), Some(&hdao)).await;
    assert_eq!((status, &closed["state"]), (200, &json!("closed")));
    let (status, body) = write(&app, &officer, id, "Thêm").await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("question_closed")));
    let (_, thread) = app.get_json(&format!("/api/v1/questions/{id}"), Some(&hdao)).await;
    let from: Vec<bool> =
        thread["messages"].as_array().unwrap().iter().map(|m| m["from_officer"].as_bool().unwrap()).collect();
    assert_eq!(from, [true, false, true]);
    let (_, mine) = app.get_json("/api/v1/me/questions", Some(&hdao)).await;
    assert_eq!(mine[0]["id"], id);

    // A commander publishes it as a guide, in their words: public, searchable, without her name.
    let guide = json!({"title": "Làm lại căn cước khi bị mất", "summary": "Hỏi đáp: người dân mất căn cước làm lại ở đâu, cần gì.",
        "documents": "- Tờ khai CC01", "fee": "70.000 đồng", "processing_time": "7 ngày làm việc",
        "place": "Công an xã Cư M'gar", "form_codes": "CC01"});
    let (status, made) = app.post_json(&format!("/api/v1/questions/{id}/guide"), &guide, Some(&commander)).await;
    assert_eq!((status, &made["source_question_id"]), (201, &json!(id)), "{made}");
    let (_, public) = app.get_json(&format!("/api/v1/guides/{}", made["id"]), None).await;
    assert!(!public.to_string().contains("H'Đào") && !public.to_string().contains(QUESTION));
    let (_, found) = app.get_json("/api/v1/guides?q=mat%20can%20cuoc", None).await;
    assert_eq!(found[0]["id"], made["id"]);
}

#[tokio::test]
async fn questions_refuse_bad_input_and_people_outside_the_thread() {
    let app = TestApp::spawn().await;
    let hdao = app.token(CITIZEN_HDAO).await;
    for body in [json!({"body": "   "}), json!({"body": "x".repeat(4001)}), json!({})] {
        let (status, err) = app.post_json(&format!("{PAGE}/questions"), &body, Some(&hdao)).await;
        assert_eq!(status, 422, "{body}: {err}");
    }
    let (status, _) = app.post_json(&format!("{PAGE}/questions"), &json!({"body": QUESTION}), None).await;
    assert_eq!(status, 401);
    let (status, body) =
        app.post_json("/api/v1/pages/no-such-unit/questions", &json!({"body": QUESTION}), Some(&hdao)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("unit_not_found")));
    let id = ask(&app, &hdao).await;

    // An officer of another unit may not reply (403); another citizen learns nothing (404).
    let (status, body) = write(&app, &app.token(TAN_LOI_OFFICER).await, id, "Trả lời").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")));
    let bao = app.token("0399000003").await;
    let (status, body) = app.get_json(&format!("/api/v1/questions/{id}"), Some(&bao)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("question_not_found")));
    let (status, _) = write(&app, &bao, id, "Xen vào").await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&format!("{PAGE}/questions"), Some(&hdao)).await;
    assert_eq!(status, 403, "citizens do not list a unit's questions");
    let (status, body) = write(&app, &app.token(CU_MGAR_DUTY_OFFICER).await, id, "  ").await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("body")));
    // Not a photo; a second photo.
    let put = |bytes: Vec<u8>| {
        let url = app.at(&format!("/api/v1/questions/{id}/photo"));
        let token = hdao.clone();
        async move { reqwest::Client::new().put(url).bearer_auth(token).body(bytes).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(put(b"<html><script>x</script></html>".to_vec()).await, 422);
    assert_eq!(put(crate::media_fixtures::png()).await, 200);
    assert_eq!(put(crate::media_fixtures::png()).await, 409);
    // A guide only from an answered question; only by commanders.
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let guide =
        json!({"title": "T", "summary": "S", "documents": "D", "fee": "F", "processing_time": "P", "place": "Q"});
    let (status, body) = app.post_json(&format!("/api/v1/questions/{id}/guide"), &guide, Some(&commander)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("question_not_answered")));
    let (status, _) = app.send_json(Method::POST, &format!("/api/v1/questions/{id}/guide"), &guide, Some(&hdao)).await;
    assert_eq!(status, 403);
    let (status, _) = app.get_json("/api/v1/questions/abc", Some(&hdao)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_question_asked_and_answered_on_the_site_with_guides_beside_it() {
    use reqwest::multipart::{Form, Part};
    let mut app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let guide = json!({"title": "Cấp lại thẻ căn cước khi bị mất", "summary": "Làm lại căn cước bị mất tại công an xã.",
        "documents": "- Tờ khai CC01\n- Sổ hộ khẩu", "fee": "70.000 đồng", "processing_time": "7 ngày làm việc",
        "place": "Công an xã Cư M'gar", "form_codes": ""});
    let (_, made) = app.post_json(&format!("{PAGE}/guides"), &guide, Some(&commander)).await;

    // The guides pages: search without tones, and the guide.
    let (status, html) = app.page("/guides?q=mat+can+cuoc").await;
    assert!(status == 200 && html.contains(&format!("href=\"/guides/{}\"", made["id"])), "{html}");
    let (_, html) = app.page(&format!("/guides/{}", made["id"])).await;
    assert!(html.contains("70.000 đồng") && html.contains("<li>Sổ hộ khẩu</li>"), "{html}");
    let (_, html) = app.page("/units/ca-xa-cu-mgar-2025").await;
    assert!(html.contains("Cấp lại thẻ căn cước khi bị mất") && html.contains("id=\"ask-link\""), "{html}");

    app.sign_in_browser(CITIZEN_HDAO).await;
    let csrf = app.csrf("/units/ca-xa-cu-mgar-2025/ask").await;
    let form = Form::new()
        .text("csrf", csrf)
        .text("body", QUESTION)
        .part("photo", Part::bytes(crate::media_fixtures::png()).file_name("the.png"));
    let res = app.browser.post(app.at("/units/ca-xa-cu-mgar-2025/ask")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = app.page(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains(QUESTION) && html.contains("id=\"question-photo\""), "{html}");
    assert!(html.contains(&format!("href=\"/guides/{}\"", made["id"])), "the guide that may answer it: {html}");
    let (status, _) = app.page(&format!("{location}/photo")).await;
    assert_eq!(status, 200);
    let (_, html) = app.page("/my/questions").await;
    assert!(html.contains(&location));
    // An empty question: the form again with why.
    let csrf = app.csrf("/units/ca-xa-cu-mgar-2025/ask").await;
    let empty = Form::new().text("csrf", csrf).text("body", "  ");
    let res = app.browser.post(app.at("/units/ca-xa-cu-mgar-2025/ask")).multipart(empty).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("id=\"form-error\""));

    // The duty officer answers in another browser; she sees it.
    app.browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    app.sign_in_browser(CU_MGAR_DUTY_OFFICER).await;
    let (_, list) = app.page("/units/ca-xa-cu-mgar-2025/questions").await;
    assert!(list.contains(&location), "{list}");
    let csrf = app.csrf(&location).await;
    let (status, _, _) = app
        .form(&format!("{location}/reply"), &[("csrf", &csrf), ("body", "Chị mang tờ khai CC01 đến công an xã.")])
        .await;
    assert_eq!(status, 303);
    let (_, html) = app.page(&location).await;
    assert!(html.contains("Chị mang tờ khai CC01") && html.contains("Đã trả lời"), "{html}");
    let (status, _, _) = app.form(&format!("{location}/close"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 303);
    let (_, html) = app.page(&location).await;
    assert!(html.contains("Đã đóng") && !html.contains("id=\"reply-submit\""));
}
