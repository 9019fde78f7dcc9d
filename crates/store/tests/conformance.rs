//! Store conformance suite: one set of cases, run against SQLite and against PostgreSQL.
//!
//! `binhyen-store` promises that the same SQL behaves the same on both engines. This suite is where that
//! promise is checked: every case is written once, against the public `Store` API only, and the
//! `conformance!` macro below turns the list of cases into a `sqlite` module (always) and a `postgres` module
//! (with `--features postgres-tests`). Each test gets a database of its own, so tests run in parallel and a
//! case never sees another case's rows.
//!
//! Run both backends with `cargo test -p binhyen-store --all-features --test conformance` (PostgreSQL from
//! `TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! `schema` is apart from the list: its tests compare the schema the SQLite and PostgreSQL migration trees build
//! (which needs both engines at once), so a change made to one tree only fails there.
//!
//! To add a case: write `pub async fn name(store: Store)` in one of the modules under `conformance/` (or
//! `pub async fn name(url: String)` when it must open the store itself) and add `module::name` to the list
//! at the bottom of this file.

#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/alerting.rs"]
mod alerting;
#[path = "conformance/appointments.rs"]
mod appointments;
#[path = "conformance/areas.rs"]
mod areas;
#[path = "conformance/audit.rs"]
mod audit;
#[path = "conformance/basics.rs"]
mod basics;
#[path = "conformance/groups.rs"]
mod groups;
#[path = "conformance/guides.rs"]
mod guides;
#[path = "conformance/harness.rs"]
mod harness;
#[path = "conformance/intake.rs"]
mod intake;
#[path = "conformance/pages.rs"]
mod pages;
#[path = "conformance/public_alerts.rs"]
mod public_alerts;
#[path = "conformance/reorganisations.rs"]
mod reorganisations;
#[path = "conformance/responsible.rs"]
mod responsible;
#[path = "conformance/schema.rs"]
mod schema;
#[path = "conformance/search.rs"]
mod search;
#[path = "conformance/sessions.rs"]
mod sessions;
#[path = "conformance/support.rs"]
mod support;
#[path = "conformance/tips.rs"]
mod tips;
#[path = "conformance/units.rs"]
mod units;

/// Expands one list of cases into a test per case per backend. Cases taking a `Store` get a fresh, migrated
/// store; cases taking a `String` get the URL of a fresh, migrated database (to close and reopen it).
macro_rules! conformance {
    (store: [$($sm:ident::$sc:ident),* $(,)?], url: [$($um:ident::$uc:ident),* $(,)?] $(,)?) => {
        conformance!(@backend sqlite, [$($sm::$sc),*], [$($um::$uc),*]);
        conformance!(@backend #[cfg(feature = "postgres-tests")] postgres, [$($sm::$sc),*], [$($um::$uc),*]);
    };
    (@backend $(#[$attr:meta])* $backend:ident, [$($sm:ident::$sc:ident),*], [$($um:ident::$uc:ident),*]) => {
        $(#[$attr])*
        mod $backend {
            $(
                // Multi-threaded so that the concurrency case really overlaps its writers.
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $sc() {
                    crate::harness::Scratch::$backend().await.run_with_store(crate::$sm::$sc).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $uc() {
                    crate::harness::Scratch::$backend().await.run_with_url(crate::$um::$uc).await;
                }
            )*
        }
    };
}

conformance! {
    store: [
        basics::migrate_is_idempotent_and_ping_answers,
        search::search_matches_folded_and_ranks_exact_titles_and_recency,
        search::search_reads_query_syntax_as_words,
        search::search_keeps_officer_documents_to_their_subtree,
        search::search_documents_are_replaced_and_changes_queued,
        basics::dropped_tx_leaves_nothing,
        basics::settings_round_trip,
        basics::sign_in_failures_round_trip,
        basics::concurrent_writers_all_succeed,
        areas::area_upsert_updates_in_place,
        areas::area_lookups_and_hierarchy,
        areas::area_successor_links,
        areas::area_search_is_folded_and_literal,
        units::unit_insert_lookup_and_tree,
        units::unit_jurisdiction_contact_and_search,
        reorganisations::absorbing_a_unit_moves_its_followers_and_open_work_once,
        responsible::responsible_unit_prefers_most_specific_territorial,
        responsible::responsible_unit_validity_is_half_open,
        responsible::responsible_unit_ignores_units_not_yet_in_force,
        accounts::account_kinds_round_trip,
        accounts::duplicate_phone_is_a_conflict_and_writes_nothing,
        accounts::check_constraints_refuse_incomplete_accounts,
        accounts::officers_of_unit_lists_only_its_officers,
        accounts::password_change_ends_sessions_and_totp_round_trips,
        sessions::session_lifecycle,
        sessions::only_expired_sessions_are_deleted,
        audit::audit_appends_chain_and_roll_back_with_their_transaction,
        audit::audit_chain_verifies_across_pages,
        audit::concurrent_audit_appends_keep_one_chain,
        audit::sealed_columns_page_and_replace_only_unchanged_values,
        tips::tip_insert_read_back_and_receipt_lookup,
        tips::tip_protection_checks_refuse_and_write_nothing,
        tips::tip_state_moves_only_from_expected_state,
        tips::list_tips_scopes_filters_orders_and_pages,
        tips::tip_timeline_assignment_transfer_and_outcome,
        tips::triage_decisions_are_kept_beside_the_tip,
        tips::tips_of_reporter_and_retagging,
        tips::tip_attachments_and_unseal_requests,
        tips::communes_near_returns_current_located_communes_in_box,
        intake::batch_insert_takes_fresh_ids_and_reads_back,
        intake::batch_insert_beyond_one_statement,
        intake::batch_audit_appends_chain_like_single_appends,
        intake::concurrent_batch_appends_keep_one_chain,
        alerting::jobs_are_claimed_once_due_and_deduplicated,
        alerting::concurrent_claims_never_share_a_job,
        alerting::live_events_append_in_commit_order_and_prune,
        alerting::deliveries_notifications_and_alerting_settings,
        alerting::committed_live_events_wake_listeners,
        pages::follows_posts_and_feeds,
        pages::articles_are_decided_once,
        pages::follows_in_bulk,
        guides::guides_forms_and_questions_round_trip,
        groups::groups_members_roles_and_states,
        groups::group_messages_page_hide_pin_and_become_tips,
        groups::group_reports_count_once_per_reporter,
        public_alerts::alerts_cover_their_area_closure_and_reach_followers_inside,
        appointments::services_hours_and_closures_round_trip,
        appointments::bookings_take_seats_once_per_holder_and_move,
        appointments::concurrent_bookings_never_exceed_capacity,
    ],
    url: [
        basics::committed_writes_survive_reopen,
        audit::edited_audit_entry_is_named,
        audit::deleted_audit_entry_is_named_as_a_gap,
        audit::reordered_audit_entries_are_named,
    ],
}
