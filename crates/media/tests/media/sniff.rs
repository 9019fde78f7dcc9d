//! The type comes from the bytes: every accepted kind is recognised, everything else is refused.

use binhyen_media::{clean, sniff, Limits, MediaError, MediaKind};

use crate::fixtures::{ftyp, jpeg, png, vp8l_chunk, webp_of};

#[test]
fn accepted_kinds_are_recognised_with_their_content_type() {
    let cases = [
        (jpeg(), MediaKind::Jpeg, "image/jpeg", "jpg"),
        (png(), MediaKind::Png, "image/png", "png"),
        (webp_of(&[vp8l_chunk()]), MediaKind::Webp, "image/webp", "webp"),
        (ftyp(b"isom"), MediaKind::Mp4, "video/mp4", "mp4"),
        (ftyp(b"mp42"), MediaKind::Mp4, "video/mp4", "mp4"),
    ];
    for (bytes, kind, mime, extension) in cases {
        assert_eq!(sniff(&bytes), Some(kind));
        assert_eq!((kind.mime(), kind.extension()), (mime, extension));
    }
}

#[test]
fn other_formats_are_unsupported_whatever_they_are_called() {
    let others: [&[u8]; 16] = [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>", // an HTML page renamed photo.jpg
        b"<html><body>\xFF\xD8\xFF</body></html>",                // JPEG magic not at the start
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3",
        b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
        b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0",
        b"#!/bin/sh\nrm -rf /\n",
        b"PK\x03\x04\x14\0\0\0\x08\0",
        b"GIF89a\x01\0\x01\0\x80\0\0",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",     // HEIC photo
        b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", // AVIF photo
        b"\0\0\0\x14ftypqt  \0\0\0\0qt  ",         // QuickTime, not MP4
        b"RIFF\x24\0\0\0WAVEfmt ",                 // RIFF but audio
        b"\xFF\xD8",                               // too short to be a JPEG
        b" \x89PNG\r\n\x1a\n",
    ];
    for bytes in others {
        assert_eq!(sniff(bytes), None, "{:?}", String::from_utf8_lossy(bytes));
        assert_eq!(clean(bytes, &Limits::default()), Err(MediaError::UnsupportedType));
    }
}

#[test]
fn errors_have_stable_codes() {
    assert_eq!(MediaError::Empty.code(), "empty");
    assert_eq!(MediaError::TooLarge { limit: 1 }.code(), "too_large");
    assert_eq!(MediaError::UnsupportedType.code(), "unsupported_type");
    assert_eq!(MediaError::CorruptFile("x").code(), "corrupt_file");
}

#[test]
fn empty_files_are_refused() {
    assert_eq!(clean(&[], &Limits::default()), Err(MediaError::Empty));
}

#[test]
fn default_limits_are_10_and_50_mib() {
    let limits = Limits::default();
    assert_eq!((limits.max_image_bytes, limits.max_video_bytes), (10 << 20, 50 << 20));
}

#[test]
fn size_limits_depend_on_the_kind() {
    let limits = Limits { max_image_bytes: 100, max_video_bytes: 1000 };
    let image = crate::fixtures::jpeg_with(&[crate::fixtures::exif_app1(None)]);
    assert!(image.len() > 100 && image.len() < 1000);
    assert_eq!(clean(&image, &limits), Err(MediaError::TooLarge { limit: 100 }));
    let video = crate::fixtures::mp4_fast_start(&crate::fixtures::VIDEO);
    assert!(video.len() > 100);
    let limits = Limits { max_image_bytes: 1 << 20, max_video_bytes: 100 };
    assert_eq!(clean(&video, &limits), Err(MediaError::TooLarge { limit: 100 }));
    // exactly at the limit is allowed
    let limits = Limits { max_image_bytes: image.len(), max_video_bytes: video.len() };
    assert!(clean(&image, &limits).is_ok());
    assert!(clean(&video, &limits).is_ok());
}
