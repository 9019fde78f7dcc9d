//! JPEG: walk every marker of the file, keep only those needed to decode the pixels, cut what follows EOI.
//!
//! Written by hand rather than with img-parts: img-parts stops parsing at the first scan (SOS) and keeps the
//! rest of the file verbatim, but metadata also hides there: APPn/COM segments between the scans of a
//! progressive JPEG, and data after EOI (MPF secondary images and "motion photo" videos, each with its own
//! EXIF and GPS, or a script appended to make a polyglot). One walk over the whole file handles both.
//!
//! Orientation: phones store portrait photos sideways and set EXIF Orientation, so dropping it would show
//! them rotated. We keep that one tag, rewritten as a fresh 26-byte EXIF block holding nothing else; no
//! other EXIF byte of the original survives. Colour profiles (APP2 ICC) are dropped too: a vendor profile
//! can name the device; wide-gamut photos then show slightly less saturated, which is acceptable here.

use crate::MediaError;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP1: u8 = 0xE1;
const APP14: u8 = 0xEE;
const EXIF_ORIENTATION: u16 = 0x0112;

fn corrupt(reason: &'static str) -> MediaError {
    MediaError::CorruptFile(reason)
}

/// Markers a decoder needs: frame headers (SOF0–SOF15), Huffman (DHT) and arithmetic (DAC) tables,
/// quantisation tables, restart interval, scans, DNL and the hierarchical-mode markers.
/// 0xC8 (JPG) is reserved for extensions and is not among them.
fn is_decoding_marker(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xC7 | 0xC9..=0xCF | 0xDA..=0xDF)
}

fn is_frame_header(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF)
}

/// The Adobe APP14 segment says whether 3/4-component data is YCbCr, RGB or YCCK: without it CMYK JPEGs
/// decode with wrong colours. It is 12 bytes of flags and carries nothing about the author.
fn is_adobe_transform(body: &[u8]) -> bool {
    body.len() == 12 && body.starts_with(b"Adobe")
}

pub(crate) fn clean(data: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut pos = 2;
    let mut orientation = None;
    let (mut seen_frame, mut seen_scan) = (false, false);
    loop {
        // Bytes that are not a marker between segments are garbage libjpeg skips with a warning: skip them
        // too (they are not copied), then any number of 0xFF fill bytes.
        while data.get(pos).is_some_and(|&b| b != 0xFF) {
            pos += 1;
        }
        while data.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *data.get(pos).ok_or(corrupt("jpeg ends before its end-of-image marker"))?;
        pos += 1;
        match marker {
            EOI if seen_scan => {
                // Everything after EOI is dropped: extra images, appended videos or scripts.
                out.extend_from_slice(&[0xFF, EOI]);
                break;
            }
            EOI => return Err(corrupt("jpeg without image data")),
            // Markers without a length: restart markers and SOI/TEM do not belong outside scan data.
            0x00..=0xBF | 0xD0..=0xD8 => return Err(corrupt("unexpected jpeg marker")),
            _ => {}
        }
        let len = data.get(pos..pos + 2).ok_or(corrupt("truncated jpeg segment"))?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let end = pos + len;
        if len < 2 || end > data.len() {
            return Err(corrupt("truncated jpeg segment"));
        }
        let body = &data[pos + 2..end];
        if is_decoding_marker(marker) || (marker == APP14 && is_adobe_transform(body)) {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(&data[pos..end]);
        } else if marker == APP1 && orientation.is_none() {
            orientation = exif_orientation(body);
        }
        seen_frame |= is_frame_header(marker);
        pos = end;
        if marker == SOS {
            if !seen_frame {
                return Err(corrupt("jpeg scan before its frame header"));
            }
            seen_scan = true;
            pos = copy_scan_data(data, pos, &mut out)?;
        }
    }
    if let Some(orientation) = orientation {
        out.splice(2..2, orientation_segment(orientation));
    }
    Ok(out)
}

/// Copies entropy-coded data from `start` up to the next real marker and returns that marker's position.
/// Inside scan data 0xFF is always followed by 0x00 (a stuffed byte) or a restart marker; anything else
/// ends the scan. Reaching the end of the file here means it was truncated.
fn copy_scan_data(data: &[u8], start: usize, out: &mut Vec<u8>) -> Result<usize, MediaError> {
    let mut pos = start;
    loop {
        let ff = data[pos..].iter().position(|&b| b == 0xFF).map(|i| pos + i);
        let ff = ff.ok_or(corrupt("jpeg ends inside its image data"))?;
        match data.get(ff + 1) {
            None => return Err(corrupt("jpeg ends inside its image data")),
            Some(0x00 | 0xD0..=0xD7) => pos = ff + 2,
            Some(_) => {
                out.extend_from_slice(&data[start..ff]);
                return Ok(ff);
            }
        }
    }
}

/// The Orientation value (2–8) of an APP1 EXIF block, if it has a readable one other than "upright".
/// Any malformation just means no orientation: the image itself is still fine.
fn exif_orientation(app1: &[u8]) -> Option<u8> {
    let tiff = app1.strip_prefix(b"Exif\0\0")?;
    let big_endian = match tiff.get(0..4)? {
        b"MM\0\x2A" => true,
        b"II\x2A\0" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let b = tiff.get(at..at.checked_add(2)?)?;
        Some(if big_endian { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) })
    };
    let u32_at = |at: usize| {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let ifd0 = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd0)?);
    (0..count).find_map(|i| {
        let entry = ifd0 + 2 + 12 * i;
        // type 3 = SHORT, count 1: the value sits in the first two bytes of the value field.
        if u16_at(entry)? != EXIF_ORIENTATION || u16_at(entry + 2)? != 3 || u32_at(entry + 4)? != 1 {
            return None;
        }
        let value = u16_at(entry + 8)?;
        (2..=8).contains(&value).then_some(value as u8)
    })
}

/// A complete APP1 segment whose EXIF holds exactly one tag, Orientation, and nothing else.
fn orientation_segment(orientation: u8) -> [u8; 36] {
    let mut segment = [0u8; 36];
    segment[..10].copy_from_slice(&[0xFF, APP1, 0x00, 34, b'E', b'x', b'i', b'f', 0, 0]);
    let tiff: [u8; 26] = [
        b'M',
        b'M',
        0x00,
        0x2A,
        0,
        0,
        0,
        8, // big-endian TIFF header, IFD0 at offset 8
        0,
        1, // one entry
        0x01,
        0x12,
        0,
        3,
        0,
        0,
        0,
        1,
        0,
        orientation,
        0,
        0, // Orientation, SHORT, count 1, value
        0,
        0,
        0,
        0, // no next IFD (so no thumbnail IFD1)
    ];
    segment[10..].copy_from_slice(&tiff);
    segment
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_segment_reads_back() {
        let segment = orientation_segment(6);
        assert_eq!(exif_orientation(&segment[4..]), Some(6));
    }

    #[test]
    fn upright_and_malformed_orientations_are_not_kept() {
        assert_eq!(exif_orientation(&orientation_segment(1)[4..]), None);
        assert_eq!(exif_orientation(&orientation_segment(9)[4..]), None);
        assert_eq!(exif_orientation(b"Exif\0\0MM\0\x2A\xFF\xFF\xFF\xFF"), None);
        assert_eq!(exif_orientation(b"Exif\0\0II"), None);
        assert_eq!(exif_orientation(b"http://ns.adobe.com/xap/1.0/\0"), None);
    }
}
