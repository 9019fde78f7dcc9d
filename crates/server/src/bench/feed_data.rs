//! The `feed` benchmark's data set, also `binhyen bench-data feed`: `pages` units (commune police, codes
//! `bench-page-001`…, under the demo's province police when there is one) as pages, `follows / 5` citizens
//! following 5 of them each, and `posts` published posts spread over the pages and the last 90 days, with
//! Vietnamese titles and bodies from a few templates. Deterministic (a fixed seed), so runs are comparable.

use std::time::Instant;

use anyhow::Context;
use binhyen_domain::{AccountKind, UnitKind};
use binhyen_store::accounts::{self, NewAccount};
use binhyen_store::pages::{self, NewPost};
use binhyen_store::units::{self, Contact, NewUnit};
use binhyen_store::Store;

/// Pages each generated citizen follows.
pub const FOLLOWS_EACH: usize = 5;
/// Rows per transaction.
const BATCH: usize = 10_000;
const DAY_MS: i64 = 86_400_000;
/// The province police the pages sit under, when the demo was built.
const PROVINCE: &str = "ca-tinh-dak-lak";

#[derive(Debug, Clone, Copy)]
pub struct FeedData {
    pub pages: usize,
    pub follows: usize,
    pub posts: usize,
}

impl Default for FeedData {
    fn default() -> Self {
        Self { pages: 200, follows: 1_000_000, posts: 100_000 }
    }
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Unit ids of the pages, in code order.
    pub pages: Vec<i64>,
    pub accounts: usize,
    pub follows: usize,
    pub posts: usize,
    pub seconds: f64,
}

/// splitmix64: enough randomness for a data set, and no state to share.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `FOLLOWS_EACH` distinct pages out of `pages`, chosen by `rng`.
pub fn pick_pages(rng_seed: u64, pages: &[i64]) -> Vec<i64> {
    let mut rng = Rng(rng_seed);
    let mut chosen: Vec<i64> = Vec::with_capacity(FOLLOWS_EACH);
    while chosen.len() < FOLLOWS_EACH.min(pages.len()) {
        let p = pages[rng.below(pages.len())];
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    chosen
}

const PLACES: [&str; 8] =
    ["buôn Bling", "thôn 3", "buôn Ea Kmar", "chợ Ea Tar", "thôn Tân Lập", "buôn Kroa", "khu phố 5", "thôn 12"];

/// (kind, title, body) templates; `{place}` and `{unit}` are filled in.
const TEMPLATES: [(&str, &str, &str); 6] = [
    (
        "warning",
        "Cảnh báo thủ đoạn lừa đảo qua điện thoại tại {place}",
        "{unit} cảnh báo: thời gian gần đây có đối tượng giả danh cán bộ công an gọi điện yêu cầu người dân \
         chuyển tiền để \"xác minh tài khoản\". Công an không bao giờ yêu cầu chuyển tiền qua điện thoại. Khi nhận \
         được cuộc gọi như vậy, bà con hãy báo ngay cho công an xã hoặc gọi 113.",
    ),
    (
        "news",
        "Ra quân tuần tra đảm bảo an ninh trật tự tại {place}",
        "Tối qua, {unit} phối hợp với lực lượng bảo vệ an ninh trật tự ở cơ sở tổ chức tuần tra tại {place}. \
         Qua tuần tra đã nhắc nhở 12 trường hợp điều khiển xe máy không đội mũ bảo hiểm và giải tán 2 nhóm thanh \
         niên tụ tập gây ồn ào sau 23 giờ.",
    ),
    (
        "procedure",
        "Hướng dẫn đăng ký thường trú cho bà con {place}",
        "Từ tuần này, {unit} tiếp nhận hồ sơ đăng ký thường trú vào các buổi sáng thứ Hai đến thứ Sáu. Bà con \
         mang theo căn cước, giấy tờ chứng minh chỗ ở hợp pháp; có thể nộp trực tuyến trên Cổng dịch vụ công \
         quốc gia để không phải đi lại nhiều lần.",
    ),
    (
        "health",
        "Phòng chống sốt xuất huyết mùa mưa ở {place}",
        "{unit} cùng trạm y tế xã vận động bà con {place} dọn dẹp vật chứa nước quanh nhà, ngủ màn kể cả ban \
         ngày, và đưa người bị sốt cao đến trạm y tế kịp thời.",
    ),
    (
        "legal",
        "Tuyên truyền Luật Giao thông đường bộ cho học sinh {place}",
        "Sáng nay, {unit} tổ chức buổi tuyên truyền pháp luật về trật tự, an toàn giao thông cho hơn 300 học \
         sinh tại {place}: không điều khiển xe máy khi chưa đủ tuổi, đội mũ bảo hiểm đúng cách, không lạng lách.",
    ),
    (
        "warning",
        "Cảnh giác trộm cắp gia súc ban đêm tại {place}",
        "Trong tháng, trên địa bàn {place} đã xảy ra 3 vụ trộm bò vào ban đêm. {unit} đề nghị bà con làm chuồng \
         chắc chắn, thắp đèn quanh chuồng và báo ngay khi thấy người lạ mặt, xe lạ vào buôn.",
    ),
];

/// The posts' text: rendered as `pages` would (the templates hold no Markdown, so one paragraph).
fn post_text(rng: &mut Rng, unit_name: &str) -> (&'static str, String, String, String) {
    let (kind, title, body) = TEMPLATES[rng.below(TEMPLATES.len())];
    let place = PLACES[rng.below(PLACES.len())];
    let fill = |s: &str| s.replace("{place}", place).replace("{unit}", unit_name);
    let body = fill(body);
    let html = format!("<p>{}</p>", body.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;"));
    (kind, fill(title), body, html)
}

/// Generates the data set into `store` (the demo's, or any migrated database). `progress` is told each step.
pub async fn generate(store: &Store, spec: FeedData, now_ms: i64) -> anyhow::Result<Generated> {
    anyhow::ensure!(spec.pages >= FOLLOWS_EACH, "at least {FOLLOWS_EACH} pages are needed");
    let started = Instant::now();
    let err = |e: binhyen_store::StoreError| anyhow::anyhow!("{e}");
    let parent = store.unit_by_code(PROVINCE).await.ok().map(|u| u.id);

    // The pages, in one transaction.
    let mut tx = store.begin().await.map_err(err)?;
    let mut page_ids = Vec::with_capacity(spec.pages);
    let mut names = Vec::with_capacity(spec.pages);
    for i in 1..=spec.pages {
        let name = format!("Công an xã thử tải {i:03}");
        let unit = NewUnit {
            code: format!("bench-page-{i:03}"),
            kind: UnitKind::CommunePolice,
            name: name.clone(),
            parent_id: parent,
            contact: Contact::default(),
            valid_from: None,
            valid_to: None,
        };
        page_ids.push(units::insert(&mut tx, &unit, now_ms).await.map_err(err).context("inserting a page")?);
        names.push(name);
    }
    tx.commit().await.map_err(err)?;
    eprintln!("  {} pages ({:.1} s)", spec.pages, started.elapsed().as_secs_f64());

    // The followers: one account per 5 follows, inserted one by one, the follows many rows at a time.
    let citizens = spec.follows.div_ceil(FOLLOWS_EACH);
    let mut follows = 0usize;
    let mut author = None;
    let mut batch: Vec<(i64, i64)> = Vec::with_capacity(BATCH * FOLLOWS_EACH);
    let mut i = 0usize;
    while i < citizens {
        let mut tx = store.begin().await.map_err(err)?;
        batch.clear();
        for _ in 0..BATCH.min(citizens - i) {
            let account = NewAccount::new(
                AccountKind::Citizen,
                format!("+84392{i:06}"),
                format!("Người theo dõi {}", i + 1),
                // Never signed in to: any text does.
                "bench-no-password".to_owned(),
            );
            let id = accounts::insert(&mut tx, &account, now_ms).await.map_err(err).context("inserting a citizen")?;
            author.get_or_insert(id);
            let take = FOLLOWS_EACH.min(spec.follows - follows);
            for unit in pick_pages(i as u64, &page_ids).into_iter().take(take) {
                batch.push((id, unit));
            }
            follows += take;
            i += 1;
        }
        pages::insert_follows_many(&mut tx, &batch, now_ms).await.map_err(err).context("inserting follows")?;
        tx.commit().await.map_err(err)?;
    }
    eprintln!("  {citizens} citizens, {follows} follows ({:.1} s)", started.elapsed().as_secs_f64());

    // The posts, by an officer of the province when there is one (else the first citizen: only a foreign key).
    let author = match parent {
        Some(p) => store.officers_of_unit(p).await.map_err(err)?.first().map(|a| a.id).or(author),
        None => author,
    }
    .context("no account to write the posts")?;
    let mut rng = Rng(0x5EED);
    let mut written = 0usize;
    while written < spec.posts {
        let mut tx = store.begin().await.map_err(err)?;
        for _ in 0..BATCH.min(spec.posts - written) {
            let page = rng.below(page_ids.len());
            let (kind, title, body, body_html) = post_text(&mut rng, &names[page]);
            let published = now_ms - 1 - (rng.next() % (90 * DAY_MS) as u64) as i64;
            let post = NewPost {
                unit_id: page_ids[page],
                kind: kind.parse().map_err(|e| anyhow::anyhow!("{e}"))?,
                title,
                body,
                body_html,
                published_at_ms: Some(published),
                author_account_id: author,
            };
            pages::insert_post(&mut tx, &post, published).await.map_err(err).context("inserting a post")?;
            written += 1;
        }
        tx.commit().await.map_err(err)?;
    }
    // Statistics for the planner, as a real database would have them after a day of use.
    store.analyze().await.map_err(err).context("analysing the tables")?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("  {written} posts, tables analysed ({seconds:.1} s)");
    Ok(Generated { pages: page_ids, accounts: citizens, follows, posts: written, seconds })
}
