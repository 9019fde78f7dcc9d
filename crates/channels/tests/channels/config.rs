use std::sync::Arc;

use binhyen_channels::{
    ChannelKind, ChannelsConfig, EmailChannel, MemoryTokenStore, SmsChannel, SmsConfig, SmtpConfig, SmtpTls,
    WebhookChannel, WebhookConfig, ZaloChannel, ZaloConfig,
};

/// The `[channels]` part of the server's configuration file, as documented.
const EXAMPLE: &str = r#"
[channels.email]
host = "smtp.congan.daklak.gov.vn"
port = 587
tls = "starttls"
username = "canhbao"
password = "mat-khau-smtp-bi-mat"
from = "Công an tỉnh Đắk Lắk <canhbao@congan.daklak.gov.vn>"
timeout_seconds = 10

[channels.sms]
url = "https://sms-gateway.example.vn/v1/messages"
token = "sms-token-bi-mat-0123456789"
sender = "CA DakLak"
timeout_seconds = 10

[channels.webhook]
url = "https://hethong-tiepnhan.example.vn/binhyen/webhook"
secret = "webhook-secret-bi-mat-0123456789abcdef"
timeout_seconds = 10

[channels.zalo]
app_id = "4291763606161179100"
secret_key = "zalo-secret-key-bi-mat"
access_token = "zalo-access-token-bi-mat"
refresh_token = "zalo-refresh-token-bi-mat"
timeout_seconds = 10
"#;

#[derive(Debug, serde::Deserialize)]
struct File {
    channels: ChannelsConfig,
}

fn example() -> ChannelsConfig {
    toml::from_str::<File>(EXAMPLE).unwrap().channels
}

fn problem(toml_text: &str) -> String {
    let file: File = toml::from_str(toml_text).unwrap();
    let err = file.channels.validate().unwrap_err();
    // build() refuses the same way.
    let built = file.channels.build(Arc::new(MemoryTokenStore::new())).unwrap_err();
    assert_eq!(err, built);
    err.to_string()
}

#[tokio::test]
async fn the_example_builds_every_channel() {
    let config = example();
    config.validate().unwrap();
    let zalo = config.zalo.as_ref().unwrap();
    assert_eq!(zalo.api_base, "https://openapi.zalo.me");
    assert_eq!(zalo.oauth_base, "https://oauth.zaloapp.com");
    assert_eq!(config.email.as_ref().unwrap().tls, SmtpTls::Starttls);

    let channels = config.build(Arc::new(MemoryTokenStore::new())).unwrap();
    assert_eq!(channels.kinds(), ChannelKind::ALL.to_vec());
    for kind in ChannelKind::ALL {
        assert_eq!(channels.get(kind).unwrap().kind(), kind);
        assert_eq!(ChannelKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(ChannelKind::parse("fax"), None);

    let none = ChannelsConfig::default().build(Arc::new(MemoryTokenStore::new())).unwrap();
    assert!(none.kinds().is_empty() && none.get(ChannelKind::Email).is_none());
    let partial: File = toml::from_str(
        "[channels.webhook]\nurl = \"http://127.0.0.1:9/h\"\nsecret = \"0123456789abcdef0123456789abcdef\"\n",
    )
    .unwrap();
    let channels = partial.channels.build(Arc::new(MemoryTokenStore::new())).unwrap();
    assert_eq!(channels.kinds(), vec![ChannelKind::Webhook]);
    assert_eq!(partial.channels.webhook.unwrap().timeout_seconds, 10);
}

#[test]
fn debug_output_hides_secrets() {
    let config = example();
    let printed = format!("{config:?}");
    assert!(printed.contains("smtp.congan.daklak.gov.vn"), "{printed}");
    assert!(!printed.contains("bi-mat"), "a secret is printed: {printed}");
    for part in [
        format!("{:?}", config.email.unwrap()),
        format!("{:?}", config.sms.unwrap()),
        format!("{:?}", config.webhook.unwrap()),
        format!("{:?}", config.zalo.unwrap()),
    ] {
        assert!(!part.contains("bi-mat") && part.contains("<redacted>"), "{part}");
    }
    let m = crate::message("k", "nguoidan@example.vn");
    let printed = format!("{m:?}");
    assert!(!printed.contains("nguoidan") && !printed.contains("Tin báo"), "{printed}");
}

#[test]
fn invalid_values_are_refused_naming_the_field() {
    let sms = |line: &str| format!("[channels.sms]\ntoken = \"t0k\"\n{line}\n");
    assert_eq!(problem(&sms("url = \"ftp://gw.example.vn/sms\"")), "[channels.sms] url: not an http(s) URL");
    assert_eq!(problem(&sms("url = \"gw.example.vn/sms\"")), "[channels.sms] url: not an http(s) URL");
    assert_eq!(
        problem(&sms("url = \"https://user:pw@gw.example.vn/\"")),
        "[channels.sms] url: must not carry a user name or password"
    );
    assert_eq!(
        problem(&sms("url = \"https://gw.example.vn/\"\ntimeout_seconds = 0")),
        "[channels.sms] timeout_seconds: between 1 and 300"
    );
    assert_eq!(
        problem(&sms("url = \"https://gw.example.vn/\"\nsender = \"Cong an tinh Dak Lak\"")),
        "[channels.sms] sender: at most 11 characters (a brand name)"
    );
    assert_eq!(
        problem("[channels.sms]\nurl = \"https://gw.example.vn/\"\ntoken = \"has space\"\n"),
        "[channels.sms] token: printable ASCII without spaces, not empty"
    );

    assert_eq!(
        problem("[channels.webhook]\nurl = \"https://x.example.vn/h\"\nsecret = \"short\"\n"),
        "[channels.webhook] secret: at least 32 characters"
    );

    let email = |extra: &str| {
        format!("[channels.email]\nhost = \"smtp.example.vn\"\nport = 587\nfrom = \"canhbao@example.vn\"\n{extra}\n")
    };
    assert_eq!(problem(&email("username = \"u\"")), "[channels.email] password: needed when username is set");
    assert_eq!(problem(&email("password = \"p\"")), "[channels.email] username: needed when password is set");
    assert_eq!(
        problem(&email("username = \"u\"\npassword = \"p\"\ntls = \"none\"")),
        "[channels.email] tls: \"none\" would send the password in clear text; use \"starttls\" or \"tls\""
    );
    let bad_from =
        "[channels.email]\nhost = \"smtp.example.vn\"\nport = 587\nfrom = \"Công an tỉnh <không phải địa chỉ>\"\n";
    assert!(problem(bad_from).starts_with("[channels.email] from: not a mailbox"), "{}", problem(bad_from));
    let port_zero = "[channels.email]\nhost = \"smtp.example.vn\"\nport = 0\nfrom = \"canhbao@example.vn\"\n";
    assert_eq!(problem(port_zero), "[channels.email] port: must be between 1 and 65535");
    let url_host = "[channels.email]\nhost = \"smtp://smtp.example.vn\"\nport = 25\nfrom = \"canhbao@example.vn\"\n";
    assert_eq!(problem(url_host), "[channels.email] host: a host name or address, not a URL");

    let zalo = |extra: &str| format!("[channels.zalo]\nsecret_key = \"s\"\n{extra}\n");
    assert_eq!(problem(&zalo("app_id = \"abc\"")), "[channels.zalo] app_id: the digits of the Zalo app id");
    assert_eq!(
        problem(&zalo("app_id = \"1\"\naccess_token = \"a\"")),
        "[channels.zalo] refresh_token: needed with access_token (an access token lasts about a day)"
    );
    assert_eq!(
        problem(&zalo("app_id = \"1\"\napi_base = \"openapi.zalo.me\"")),
        "[channels.zalo] api_base: not an http(s) URL"
    );
}

#[test]
fn unknown_fields_and_values_are_refused() {
    let typo = toml::from_str::<File>("[channels.sms]\nurl = \"https://x.vn\"\ntokn = \"t\"\n");
    assert!(typo.unwrap_err().to_string().contains("unknown field `tokn`"));
    let section = toml::from_str::<File>("[channels.fax]\nurl = \"https://x.vn\"\n");
    assert!(section.unwrap_err().to_string().contains("unknown field `fax`"));
    let tls = toml::from_str::<File>("[channels.email]\nhost = \"h\"\nport = 25\nfrom = \"a@b.vn\"\ntls = \"ssl\"\n");
    assert!(tls.is_err());
}

#[tokio::test]
async fn constructors_validate_first() {
    let config = example();
    let short = WebhookConfig { secret: "short".into(), ..config.webhook.clone().unwrap() };
    assert_eq!(WebhookChannel::new(short).err().unwrap().field, "secret");
    let bad_url = SmsConfig { url: "not a url".into(), ..config.sms.clone().unwrap() };
    assert_eq!(SmsChannel::new(bad_url).err().unwrap().field, "url");
    let no_password = SmtpConfig { password: None, ..config.email.clone().unwrap() };
    assert_eq!(EmailChannel::new(no_password).err().unwrap().field, "password");
    let bad_app = ZaloConfig { app_id: String::new(), ..config.zalo.clone().unwrap() };
    let err = ZaloChannel::new(bad_app, Arc::new(MemoryTokenStore::new())).err().unwrap();
    assert_eq!((err.section, err.field), ("zalo", "app_id"));
}
