//! MP4s lose udta/meta (location, device), times and names, with box sizes and chunk offsets kept right.

use binhyen_media::{clean, Cleaned, Limits, MediaError, MediaKind};

use crate::fixtures::*;

fn cleaned(bytes: &[u8]) -> Cleaned {
    clean(bytes, &Limits::default()).expect("a valid file")
}

fn corrupt(bytes: &[u8]) -> bool {
    matches!(clean(bytes, &Limits::default()), Err(MediaError::CorruptFile(_)))
}

fn assert_nothing_identifying(bytes: &[u8]) {
    let needles: [&[u8]; 9] =
        [b"\xA9xyz", GPS_TEXT, b"+10.7769", DEVICE, b"samsung", b"Samsung", b"ISO6709", b"Nguyen", &RECORDED_AT];
    for needle in needles {
        assert!(!contains(bytes, needle), "{:?} survived", String::from_utf8_lossy(needle));
    }
}

fn kinds(file: &[u8]) -> Vec<[u8; 4]> {
    check_box_tree(file).into_iter().map(|(kind, _, _)| kind).collect()
}

#[test]
fn fast_start_mp4_loses_udta_and_meta_and_its_chunk_offsets_follow() {
    let dirty = mp4_fast_start(&VIDEO);
    assert_eq!(&dirty[first_chunk_offset(&dirty)..][..MDAT_PAYLOAD.len()], MDAT_PAYLOAD);

    let out = cleaned(&dirty);
    assert_eq!(out.kind, MediaKind::Mp4);
    assert_eq!((out.width, out.height), (Some(640), Some(360)));
    assert_nothing_identifying(&out.bytes);
    assert!(!contains(&out.bytes, b"udta") && !contains(&out.bytes, b"meta"));
    // Every box fills its parent exactly (sizes were fixed all the way up) and the media is untouched.
    assert_eq!(kinds(&out.bytes), [*b"ftyp", *b"moov", *b"mdat"]);
    assert!(out.bytes.len() < dirty.len());
    assert!(out.bytes.ends_with(&bx(b"mdat", MDAT_PAYLOAD)));
    // moov shrank, so the media data moved: the chunk offset still points at the first frame.
    assert_eq!(&out.bytes[first_chunk_offset(&out.bytes)..][..MDAT_PAYLOAD.len()], MDAT_PAYLOAD);
    assert_eq!(cleaned(&out.bytes), out, "cleaning is idempotent");
}

#[test]
fn sixty_four_bit_chunk_offsets_are_shifted_too() {
    let dirty = mp4_fast_start(&Track { handler: *b"vide", wide_offsets: true });
    let out = cleaned(&dirty);
    assert_nothing_identifying(&out.bytes);
    assert_eq!(&out.bytes[first_chunk_offset(&out.bytes)..][..MDAT_PAYLOAD.len()], MDAT_PAYLOAD);
}

#[test]
fn moov_at_the_end_leaves_offsets_alone() {
    let dirty = mp4_moov_last(&VIDEO);
    let out = cleaned(&dirty);
    assert_nothing_identifying(&out.bytes);
    assert_eq!(kinds(&out.bytes), [*b"ftyp", *b"mdat", *b"moov"]);
    assert_eq!(first_chunk_offset(&out.bytes), first_chunk_offset(&dirty));
    assert_eq!(&out.bytes[..first_chunk_offset(&out.bytes)], &dirty[..first_chunk_offset(&dirty)]);
}

#[test]
fn sound_tracks_are_accepted() {
    let out = cleaned(&mp4_fast_start(&Track { handler: *b"soun", wide_offsets: false }));
    assert_eq!((out.width, out.height), (None, None), "no video track, no size");
}

#[test]
fn other_top_level_boxes_and_free_space_are_blanked_in_place() {
    let head = ftyp(b"isom");
    let xmp = bx(
        b"uuid",
        &[&[0xBEu8, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC][..], XMP]
            .concat(),
    );
    let stale = bx(b"free", b"old udta: \xA9xyz+10.7769+106.7009/");
    let clock = bx(b"prft", &[0u8; 4]);
    let before_mdat = head.len() + xmp.len() + stale.len() + clock.len();
    let dirty = [
        head.clone(),
        xmp.clone(),
        stale.clone(),
        clock.clone(),
        bx(b"mdat", MDAT_PAYLOAD),
        moov(&VIDEO, before_mdat as u64 + 8),
    ]
    .concat();

    let out = cleaned(&dirty);
    assert_nothing_identifying(&out.bytes);
    assert!(!contains(&out.bytes, b"xmpmeta"));
    // Same sizes, so the media data and its offset did not move.
    assert_eq!(kinds(&out.bytes), [*b"ftyp", *b"free", *b"free", *b"free", *b"mdat", *b"moov"]);
    let blanked = &out.bytes[head.len()..before_mdat];
    assert_eq!(blanked.len(), xmp.len() + stale.len() + clock.len());
    assert!(check_box_tree(&out.bytes)[1..4]
        .iter()
        .all(|&(_, start, end)| out.bytes[start + 8..end].iter().all(|&b| b == 0)));
    assert_eq!(&out.bytes[first_chunk_offset(&out.bytes)..][..MDAT_PAYLOAD.len()], MDAT_PAYLOAD);
}

#[test]
fn fragmented_mp4_blanks_metadata_without_moving_anything() {
    let head = ftyp(b"iso6");
    let fragment = bx(b"moof", &bx(b"mfhd", &[0, 0, 0, 0, 0, 0, 0, 1]));
    let dirty = [head, moov(&VIDEO, 0), fragment, bx(b"mdat", MDAT_PAYLOAD)].concat();
    let out = cleaned(&dirty);
    assert_nothing_identifying(&out.bytes);
    assert_eq!(out.bytes.len(), dirty.len(), "removed boxes became free boxes of the same size");
    assert!(!contains(&out.bytes, b"udta") && !contains(&out.bytes, b"meta"));
    assert_eq!(kinds(&out.bytes), [*b"ftyp", *b"moov", *b"moof", *b"mdat"]);
}

#[test]
fn metadata_tracks_are_refused() {
    // A timed-metadata track (GoPro GPS, Apple location) keeps its samples in mdat, out of reach.
    let with_gps_track = mp4_fast_start(&Track { handler: *b"meta", wide_offsets: false });
    assert_eq!(clean(&with_gps_track, &Limits::default()), Err(MediaError::UnsupportedType));
    let with_subtitles = mp4_fast_start(&Track { handler: *b"sbtl", wide_offsets: false });
    assert_eq!(clean(&with_subtitles, &Limits::default()), Err(MediaError::UnsupportedType));
}

#[test]
fn truncated_or_inconsistent_mp4s_are_corrupt() {
    let full = mp4_fast_start(&VIDEO);
    assert!(corrupt(&full[..full.len() - 3]), "cut inside mdat");
    assert!(corrupt(&full[..ftyp(b"isom").len() + 100]), "cut inside moov");
    assert!(corrupt(&full[..ftyp(b"isom").len() + 4]), "cut inside a box header");

    let moov_at = ftyp(b"isom").len();
    let mut too_small = full.clone();
    too_small[moov_at + 8..moov_at + 12].copy_from_slice(&4u32.to_be_bytes()); // mvhd size 4 < header
    assert!(corrupt(&too_small));
    let mut overflowing = full.clone();
    overflowing[moov_at + 8..moov_at + 12].copy_from_slice(&0x0100_0000u32.to_be_bytes()); // mvhd beyond moov
    assert!(corrupt(&overflowing));

    let no_media = [ftyp(b"isom"), moov(&VIDEO, 0)].concat();
    assert!(corrupt(&no_media), "no mdat");
    let no_movie = [ftyp(b"isom"), bx(b"mdat", MDAT_PAYLOAD)].concat();
    assert!(corrupt(&no_movie), "no moov");
    let two_movies = [ftyp(b"isom"), moov(&VIDEO, 0), moov(&VIDEO, 0), bx(b"mdat", MDAT_PAYLOAD)].concat();
    assert!(corrupt(&two_movies));
    assert!(corrupt(&ftyp(b"isom")), "only a file type box");
}
