//! Images come out with only what draws the pixels: no EXIF/GPS, XMP, IPTC, comments, profiles or trailers.

use binhyen_media::{clean, Cleaned, Limits, MediaError, MediaKind};

use crate::fixtures::*;

fn cleaned(bytes: &[u8]) -> Cleaned {
    clean(bytes, &Limits::default()).expect("a valid file")
}

fn corrupt(bytes: &[u8]) -> bool {
    matches!(clean(bytes, &Limits::default()), Err(MediaError::CorruptFile(_)))
}

/// What no cleaned file may contain, whatever its format.
fn assert_no_identifying_bytes(bytes: &[u8]) {
    for needle in [b"Exif".as_slice(), &GPS_LATITUDE, CAMERA_MAKE, b"xmpmeta", b"GPS", b"Nguyen", b"Galaxy"] {
        assert!(!contains(bytes, needle), "{:?} survived", String::from_utf8_lossy(needle));
    }
}

#[test]
fn jpeg_loses_exif_gps_xmp_iptc_comments_profiles_and_trailers() {
    let mut dirty = jpeg_with(&[
        segment(0xE0, b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0"),
        exif_app1(None),
        xmp_app1(),
        segment(0xED, b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x10Phuong Nguyen Du"),
        segment(0xE2, b"ICC_PROFILE\0\x01\x01desc Galaxy S21 display"),
        segment(0xFE, b"taken at the home of Nguyen Van A"),
    ]);
    // A comment between the scan data and EOI, and a second image after EOI (as MPF and motion photos
    // append) with its own EXIF: both lie where a parser that stops at the first scan would not look.
    let eoi = dirty.len() - 2;
    dirty.splice(eoi..eoi, segment(0xFE, b"Nguyen again"));
    dirty.extend(jpeg_with(&[exif_app1(None)]));

    let out = cleaned(&dirty);
    assert_eq!(out.kind, MediaKind::Jpeg);
    assert_eq!((out.width, out.height), (Some(16), Some(8)));
    assert_no_identifying_bytes(&out.bytes);
    assert!(!contains(&out.bytes, b"Photoshop") && !contains(&out.bytes, b"ICC_PROFILE"));
    // Exactly the bare image is left: every byte of the output is needed to decode it.
    assert_eq!(out.bytes, jpeg());
    assert_eq!(cleaned(&out.bytes), out, "cleaning is idempotent");
}

#[test]
fn jpeg_keeps_only_the_orientation_tag() {
    let out = cleaned(&jpeg_with(&[exif_app1(Some(6))]));
    let only_orientation: &[u8] = &[
        0xFF, 0xE1, 0, 34, b'E', b'x', b'i', b'f', 0, 0, b'M', b'M', 0, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0,
        0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
    ];
    assert_eq!(out.bytes, [&jpeg()[..2], only_orientation, &jpeg()[2..]].concat());
    for needle in [&GPS_LATITUDE[..], CAMERA_MAKE, b"II\x2A\0"] {
        assert!(!contains(&out.bytes, needle));
    }
    assert_eq!((out.width, out.height), (Some(16), Some(8)));
    // "Upright" needs no tag at all.
    assert!(!contains(&cleaned(&jpeg_with(&[exif_app1(Some(1))])).bytes, b"Exif"));
}

#[test]
fn truncated_or_broken_jpegs_are_corrupt() {
    let full = jpeg();
    let scan_start = jpeg_until_eoi().len() - 1;
    assert!(corrupt(&full[..30]), "cut inside a table");
    assert!(corrupt(&full[..scan_start]), "cut right after the scan header");
    assert!(corrupt(&full[..full.len() - 2]), "no end-of-image marker");
    assert!(corrupt(&full[..full.len() - 1]), "half an end-of-image marker");
    assert!(corrupt(b"\xFF\xD8\xFF\xD9"), "no image at all");
    assert!(corrupt(b"\xFF\xD8\xFF"), "nothing after the magic");
    let mut bad_length = full.clone();
    bad_length[4..6].copy_from_slice(&[0xFF, 0xF0]); // DQT claims 65 KB
    assert!(corrupt(&bad_length));
    let mut no_frame = full.clone();
    let sof = no_frame.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    no_frame.drain(sof..sof + 13);
    assert!(corrupt(&no_frame), "scan without a frame header");
}

#[test]
fn png_loses_text_exif_xmp_time_and_profile_chunks() {
    let mut dirty = png_with(&[
        png_chunk(b"eXIf", &exif_tiff(Some(6))),
        png_chunk(b"tEXt", b"Comment\0GPS 10.77N 106.70E, home of Nguyen"),
        png_chunk(b"zTXt", b"Author\0\0x\x9c\x03\0\0\0\0\x01"),
        png_chunk(b"iTXt", &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), XMP].concat()),
        png_chunk(b"tIME", &[0x07, 0xEA, 11, 20, 8, 30, 0]),
        png_chunk(b"iCCP", b"Galaxy\0\0x\x9c\x03\0\0\0\0\x01"),
        png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
    ]);
    dirty.extend(b"<script>appended after IEND</script>");

    let out = cleaned(&dirty);
    assert_eq!(out.kind, MediaKind::Png);
    assert_eq!((out.width, out.height), (Some(3), Some(2)));
    assert_no_identifying_bytes(&out.bytes);
    for chunk in [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME", b"iCCP", b"pHYs"] {
        assert!(!contains(&out.bytes, chunk));
    }
    assert!(!contains(&out.bytes, b"script"));
    assert_eq!(out.bytes, png(), "IHDR, IDAT and IEND with their checksums, nothing else");
}

#[test]
fn png_keeps_transparency_and_colour_space_chunks() {
    let with = png_with(&[png_chunk(b"sRGB", &[0]), png_chunk(b"gAMA", &[0, 0, 0xB1, 0x8F])]);
    assert_eq!(cleaned(&with).bytes, with);
}

#[test]
fn truncated_or_broken_pngs_are_corrupt() {
    let full = png();
    let iend = png_chunk(b"IEND", &[]).len();
    assert!(corrupt(&full[..full.len() - iend]), "cut exactly before IEND");
    assert!(corrupt(&full[..full.len() - iend - 5]), "cut inside IDAT");
    assert!(corrupt(&full[..20]), "cut inside IHDR");
    let mut bad_crc = full.clone();
    let idat = bad_crc.windows(4).position(|w| w == b"IDAT").unwrap();
    bad_crc[idat + 6] ^= 0xFF;
    assert!(corrupt(&bad_crc), "damaged image data");
    let no_idat = [&full[..33], &full[full.len() - iend..]].concat();
    assert!(corrupt(&no_idat));
}

#[test]
fn webp_loses_exif_xmp_profile_and_unknown_chunks_and_its_flags() {
    // VP8X flags: ICC 0x20 | alpha 0x10 | EXIF 0x08 | XMP 0x04
    let mut dirty = webp_of(&[
        vp8x_chunk(0x3C),
        riff_chunk(b"ICCP", b"desc Galaxy S21 display"),
        vp8l_chunk(),
        riff_chunk(b"EXIF", &exif_tiff(Some(6))),
        riff_chunk(b"XMP ", XMP),
        riff_chunk(b"ZZZZ", b"vendor data: Nguyen"),
    ]);
    dirty.extend(b"appended after the RIFF chunk");

    let out = cleaned(&dirty);
    assert_eq!(out.kind, MediaKind::Webp);
    assert_eq!((out.width, out.height), (Some(3), Some(2)));
    assert_no_identifying_bytes(&out.bytes);
    // Only the alpha flag is left, and the RIFF size matches the new length.
    assert_eq!(out.bytes, webp_of(&[vp8x_chunk(0x10), vp8l_chunk()]));
    assert_eq!(u32::from_le_bytes(out.bytes[4..8].try_into().unwrap()) as usize, out.bytes.len() - 8);
}

#[test]
fn plain_webp_is_unchanged() {
    let plain = webp_of(&[vp8l_chunk()]);
    assert_eq!(cleaned(&plain).bytes, plain);
}

#[test]
fn truncated_or_broken_webps_are_corrupt() {
    let full = webp_of(&[vp8x_chunk(0x10), vp8l_chunk()]);
    assert!(corrupt(&full[..full.len() - 4]), "cut inside the image chunk");
    assert!(corrupt(&full[..16]), "cut inside a chunk header");
    assert!(corrupt(&webp_of(&[vp8x_chunk(0x10)])), "no image chunk");
    assert!(corrupt(&webp_of(&[riff_chunk(b"VP8X", &[0x10, 0, 0]), vp8l_chunk()])), "short extended header");
}
