//! A post's Markdown, rendered to HTML once when it is saved, then cleaned by an allow-list sanitiser:
//! whatever an author (or a hijacked account) writes, no script, event handler, style or `javascript:` link
//! reaches a reader's browser. Links get `rel="noopener noreferrer nofollow"`.

use pulldown_cmark::{html, Options, Parser};

pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default().link_rel(Some("noopener noreferrer nofollow")).clean(&raw).to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_becomes_clean_html() {
        assert_eq!(render("**Cảnh báo** lừa đảo"), "<p><strong>Cảnh báo</strong> lừa đảo</p>\n");
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[bấm vào đây](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://example.com\"></iframe>",
            "<p style=\"position:fixed\">x</p>",
        ] {
            let html = render(evil);
            for bad in ["<script", "onerror", "javascript:", "<iframe", "style="] {
                assert!(!html.contains(bad), "{evil} → {html}");
            }
        }
        assert!(render("[Công an](https://congan.daklak.gov.vn)").contains("rel=\"noopener noreferrer nofollow\""));
    }
}
