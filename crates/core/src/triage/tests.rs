use binhyen_domain::tip::{Priority, TipCategory};

use super::*;

#[test]
fn every_cue_is_folded_as_the_text_crate_folds_it() {
    fn check<T>(table: &[rules::Cue<T>]) {
        for cue in table {
            assert_eq!(binhyen_text::fold(cue.text), cue.folded, "{}", cue.text);
        }
    }
    check(rules::CATEGORY_CUES);
    check(rules::DANGER_CUES);
    check(rules::NOW_CUES);
    check(rules::PAST_CUES);
}

#[test]
fn an_armed_gathering_happening_now_is_urgent_disorder_with_its_reasons() {
    let s = suggest("Khoảng 30 thanh niên mang mã tấu đang tụ tập ở ngã ba buôn Bling.");
    assert_eq!((s.category, s.priority), (TipCategory::Disorder, Priority::Urgent));
    for word in ["mã tấu", "tụ tập", "đang"] {
        assert!(s.because.contains(&word), "{word}: {:?}", s.because);
    }
}

#[test]
fn reads_alike_with_or_without_tones_and_with_abbreviations() {
    let full = suggest("Có người đang trộm chó ở buôn Bling");
    let bare = suggest("co nguoi dang trom cho o buon Bling");
    let abbreviated = suggest("co ng dg trom cho o buon bling");
    assert_eq!((full.category, full.priority), (TipCategory::Theft, Priority::Urgent));
    assert_eq!((bare.category, bare.priority), (full.category, full.priority));
    assert_eq!((abbreviated.category, abbreviated.priority), (full.category, full.priority));
}

#[test]
fn denied_and_past_danger_is_not_urgent() {
    let s = suggest("Không phải đánh nhau đâu, chỉ hát karaoke to quá.");
    assert_ne!(s.priority, Priority::Urgent, "{s:?}");
    let s = suggest("Tuần trước có vụ đánh nhau bằng dao ở quán nhậu đầu thôn.");
    assert_ne!(s.priority, Priority::Urgent, "{s:?}");
    assert_eq!(s.category, TipCategory::Disorder);
}

#[test]
fn nothing_recognised_is_other_and_normal() {
    let s = suggest("Cho em hỏi làm lại giấy khai sinh ở đâu ạ");
    assert_eq!((s.category, s.priority), (TipCategory::Other, Priority::Normal));
    assert!(s.because.is_empty());
    assert_eq!(suggest("").category, TipCategory::Other);
}

#[test]
fn the_rules_on_the_evaluation_set() {
    let report = eval::evaluate(eval::EVAL_SET).unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    assert!(report.tips >= 300, "the set holds {} tips", report.tips);
    // Floors just under what the rules reach today (0.867 and 0.806): a change that makes them worse fails.
    assert!(report.urgent_recall >= 0.85, "urgent recall {}", report.urgent_recall);
    assert!(report.category_accuracy >= 0.79, "category accuracy {}", report.category_accuracy);
}

#[test]
fn the_rules_on_the_held_out_set() {
    let report = eval::heldout().unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    assert!(report.tips >= 120, "the held-out set holds {} tips", report.tips);
    // The held-out set was written without reading the rules and must never be used to tune them (see
    // data/triage/README.md). Measured when it was added: category accuracy 0.570 (77/135), urgent recall 0.233
    // (7/30), urgent precision 0.438 (7/16) — far below the evaluation set's 0.806 / 0.867 / 0.809, which is the
    // finding: the rules do not generalise well yet. Floors just under those figures: two more urgent tips missed,
    // two more false urgents or three more wrong categories fail. Raise them when the rules improve.
    assert!(report.urgent_recall >= 0.20, "urgent recall {}", report.urgent_recall);
    assert!(report.urgent_precision >= 0.40, "urgent precision {}", report.urgent_precision);
    assert!(report.category_accuracy >= 0.55, "category accuracy {}", report.category_accuracy);
}

#[test]
fn the_report_prints_both_sets_labelled() {
    let json = serde_json::to_value(eval::reports().unwrap()).unwrap();
    for (set, tips) in [("eval", 300), ("heldout", 120)] {
        assert!(json[set]["label"].as_str().unwrap().starts_with("bộ "), "{set}");
        assert!(json[set]["tips"].as_u64().unwrap() >= tips, "{set}");
        assert!(json[set]["per_category"].as_object().unwrap().len() == 9, "{set}");
    }
}
