//! MP4: check the box structure of the whole file and remove the boxes that carry the recording's place,
//! device and time, without touching the audio and video data.
//!
//! Where metadata lives: `moov/udta` (Android's `©xyz` ISO 6709 location, `©mak`/`©mod` device names,
//! Samsung's `smta`…), `moov/meta` (Apple's `com.apple.quicktime.location.ISO6709`, make, model, software),
//! the same two inside each `trak`, `uuid` boxes (XMP), the creation times in `mvhd`/`tkhd`/`mdhd`, the
//! handler names in `hdlr` and the encoder name in video sample descriptions. The moov rewrite is in
//! [`moov`]; this module checks the top level and puts the file back together.

mod moov;

use std::ops::Range;

use crate::{Dimensions, MediaError};

/// Major brands of MP4 proper. HEIF/AVIF images (`heic`, `mif1`, `avif`…) share the container but are
/// not videos; QuickTime (`qt  `) and 3GPP are other formats served under other content types.
const MP4_BRANDS: [&[u8; 4]; 10] =
    [b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "];

/// Top-level boxes copied as they are. Any other top-level box (`meta`, `udta`, `uuid` with XMP, `prft`
/// with the wall-clock time of recording, vendor boxes…) becomes a zero-filled `free` box of the same size,
/// which keeps every file offset valid. Existing `free`/`skip` boxes are zeroed the same way: editors turn
/// removed metadata into `free` boxes and leave the old bytes in them.
const TOP_LEVEL_KEPT: [&[u8; 4]; 8] = [b"ftyp", b"moov", b"mdat", b"moof", b"mfra", b"sidx", b"ssix", b"styp"];

/// Boxes whose presence means a fragmented file: `moof`/`tfhd`/`tfra` may hold absolute offsets that
/// shrinking `moov` would break, so there removed boxes are blanked in place instead (see [`moov`]).
const FRAGMENT_BOXES: [&[u8; 4]; 5] = [b"moof", b"mfra", b"sidx", b"ssix", b"styp"];

pub(crate) fn is_mp4(bytes: &[u8]) -> bool {
    bytes.len() >= 16 && &bytes[4..8] == b"ftyp" && MP4_BRANDS.iter().any(|brand| &bytes[8..12] == *brand)
}

fn corrupt(reason: &'static str) -> MediaError {
    MediaError::CorruptFile(reason)
}

/// A box's place in its buffer: `start..end` is the whole box, the body starts after `header_len`.
#[derive(Debug, Clone, Copy)]
struct BoxHeader {
    kind: [u8; 4],
    start: usize,
    header_len: usize,
    end: usize,
}

impl BoxHeader {
    fn body(&self) -> Range<usize> {
        self.start + self.header_len..self.end
    }
}

/// Reads the header of the box at `pos`, which must end by `limit` (its parent's end, or the file's).
/// Only a top-level box may use size 0 ("up to the end of the file").
fn read_box(data: &[u8], pos: usize, limit: usize, top_level: bool) -> Result<BoxHeader, MediaError> {
    let truncated = if top_level { "truncated mp4" } else { "mp4 box larger than its container" };
    let head = data.get(pos..pos + 8).filter(|_| pos + 8 <= limit).ok_or(corrupt(truncated))?;
    let kind = [head[4], head[5], head[6], head[7]];
    let (size, header_len) = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
        0 if top_level => (limit - pos, 8),
        0 => return Err(corrupt("mp4 box without a size")),
        1 => {
            let large = data.get(pos + 8..pos + 16).filter(|_| pos + 16 <= limit).ok_or(corrupt(truncated))?;
            let large = u64::from_be_bytes(large.try_into().map_err(|_| corrupt(truncated))?);
            (usize::try_from(large).map_err(|_| corrupt(truncated))?, 16)
        }
        size => (size as usize, 8),
    };
    if size < header_len {
        return Err(corrupt("mp4 box smaller than its header"));
    }
    if size > limit - pos {
        return Err(corrupt(truncated));
    }
    Ok(BoxHeader { kind, start: pos, header_len, end: pos + size })
}

/// Appends `b` as a `free` box of the same size whose body is all zeros.
fn blank(data: &[u8], b: &BoxHeader, out: &mut Vec<u8>) {
    let at = out.len();
    out.extend_from_slice(&data[b.start..b.start + b.header_len]);
    out[at + 4..at + 8].copy_from_slice(b"free");
    out.resize(out.len() + b.body().len(), 0);
}

/// Returns the cleaned file and the first video track's size.
pub(crate) fn clean(data: &[u8]) -> Result<(Vec<u8>, Option<Dimensions>), MediaError> {
    let mut boxes = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let b = read_box(data, pos, data.len(), true)?;
        pos = b.end;
        boxes.push(b);
    }
    if boxes.first().is_none_or(|b| &b.kind != b"ftyp" || b.body().len() < 8) {
        return Err(corrupt("mp4 without a file type box"));
    }
    let mut moovs = boxes.iter().filter(|b| &b.kind == b"moov");
    let (Some(moov), None) = (moovs.next().copied(), moovs.next()) else {
        return Err(corrupt("mp4 needs exactly one movie box"));
    };
    if !boxes.iter().any(|b| &b.kind == b"mdat") {
        return Err(corrupt("mp4 without media data"));
    }
    let fragmented = boxes.iter().any(|b| FRAGMENT_BOXES.contains(&&b.kind));

    let mut out = Vec::with_capacity(data.len());
    let mut rebuilt = None;
    for b in &boxes {
        if &b.kind == b"moov" {
            let at = out.len();
            let result = moov::rebuild(data, b, &mut out, fragmented)?;
            rebuilt = Some((result, b.end - b.start - (out.len() - at)));
        } else if TOP_LEVEL_KEPT.contains(&&b.kind) {
            out.extend_from_slice(&data[b.start..b.end]);
        } else {
            blank(data, b, &mut out);
        }
    }
    let Some((rebuilt, removed)) = rebuilt else { return Err(corrupt("mp4 needs exactly one movie box")) };
    if removed > 0 {
        shift_chunk_offsets(&mut out, &rebuilt.offset_tables, moov.start..moov.end, removed)?;
    }
    Ok((out, rebuilt.size))
}

/// `stco`/`co64` give each chunk's absolute position in the file. Only `moov` shrank, so data after it
/// moved back by `removed` bytes and data before it did not move; an offset into `moov` itself is nonsense.
fn shift_chunk_offsets(
    out: &mut [u8],
    tables: &[moov::OffsetTable],
    moov: Range<usize>,
    removed: usize,
) -> Result<(), MediaError> {
    let shift = |old: u64| -> Result<u64, MediaError> {
        match usize::try_from(old) {
            Ok(old) if old < moov.start => Ok(old as u64),
            Ok(old) if old < moov.end => Err(corrupt("mp4 chunk offset inside the movie box")),
            _ => Ok(old - removed as u64),
        }
    };
    for table in tables {
        let width = if table.wide { 8 } else { 4 };
        for entry in out[table.at..table.at + width * table.count].chunks_exact_mut(width) {
            if table.wide {
                let new = shift(u64::from_be_bytes(entry.try_into().expect("8-byte entry")))?;
                entry.copy_from_slice(&new.to_be_bytes());
            } else {
                let new = shift(u64::from(u32::from_be_bytes(entry.try_into().expect("4-byte entry"))))?;
                // Smaller than the old 32-bit value, so it fits.
                entry.copy_from_slice(&(new as u32).to_be_bytes());
            }
        }
    }
    Ok(())
}
