//! Zalo's rotating tokens, kept in the store. Each refresh token works once, so the pair a refresh returns
//! must outlive the process: it is kept in the settings table, sealed (it is a credential), where every node
//! reads it.

use crate::Alerting;
use binhyen_channels::{BoxFuture, ZaloTokenStore, ZaloTokens};
use serde::{Deserialize, Serialize};

use crate::Core;

const SETTING: &str = "zalo.tokens";
/// The associated data the pair is sealed with: it opens only as this setting.
const PLACE: &[u8] = b"settings.zalo.tokens";

#[derive(Serialize, Deserialize)]
struct Pair {
    access_token: String,
    refresh_token: String,
}

/// The settings-table token store of a core.
pub struct StoredZaloTokens {
    core: Core,
}

impl Alerting<'_> {
    /// Where the Zalo channel keeps its tokens.
    pub fn zalo_token_store(&self) -> StoredZaloTokens {
        StoredZaloTokens { core: self.core.clone() }
    }
}

impl ZaloTokenStore for StoredZaloTokens {
    fn load(&self) -> BoxFuture<'_, Result<Option<ZaloTokens>, String>> {
        Box::pin(async move {
            let Some(sealed) = self.core.store.setting(SETTING).await.map_err(|e| e.to_string())? else {
                return Ok(None);
            };
            // Sealed under a key since removed: the configured tokens are the way back in.
            let Ok(plain) = self.core.seal.open(&sealed, PLACE) else {
                tracing::warn!(
                    "zalo tokens: the stored pair does not open with the current keys; using the configured ones"
                );
                return Ok(None);
            };
            let pair: Pair = serde_json::from_slice(&plain).map_err(|e| e.to_string())?;
            Ok(Some(ZaloTokens { access_token: pair.access_token, refresh_token: pair.refresh_token }))
        })
    }

    fn save<'a>(&'a self, t: &'a ZaloTokens) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let pair = Pair { access_token: t.access_token.clone(), refresh_token: t.refresh_token.clone() };
            let plain = serde_json::to_vec(&pair).map_err(|e| e.to_string())?;
            let sealed = self.core.seal.seal(&*self.core.random, &plain, PLACE);
            self.core.store.set_setting(SETTING, &sealed).await.map_err(|e| e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use binhyen_store::Store;

    use super::*;
    use crate::{KeyRing, ManualClock, OsRandom, Policy, TestInstant};

    #[tokio::test]
    async fn tokens_are_kept_sealed_and_open_only_with_the_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite:{}", dir.path().join("t.sqlite").display())).await.unwrap();
        store.migrate().await.unwrap();
        let core = Core::new(
            store.clone(),
            Arc::new(ManualClock::new(TestInstant::DEFAULT.at)),
            Arc::new(OsRandom),
            Policy::default(),
        )
        .with_keys(KeyRing::for_tests());
        let tokens = core.alerting().zalo_token_store();
        assert!(tokens.load().await.unwrap().is_none());
        let pair = ZaloTokens { access_token: "access-2".into(), refresh_token: "refresh-2".into() };
        tokens.save(&pair).await.unwrap();
        let back = tokens.load().await.unwrap().unwrap();
        assert_eq!((back.access_token.as_str(), back.refresh_token.as_str()), ("access-2", "refresh-2"));
        let raw = store.setting(SETTING).await.unwrap().unwrap();
        assert!(!raw.contains("refresh-2") && raw.starts_with("v1.test."), "sealed: {raw}");
        // Under other keys (the old key removed), the configured tokens are used instead.
        let other = core.clone().with_keys(KeyRing::ephemeral(&OsRandom));
        assert!(other.alerting().zalo_token_store().load().await.unwrap().is_none());
    }
}
