//! Rewrites the `moov` box: drops `udta`, `meta` and `uuid` wherever they appear along moov → trak → mdia
//! → minf → stbl, fixes every enclosing box size, and blanks in place the creation times, handler names and
//! encoder names. Tracks other than video and sound are refused (see [`Track`]).
//!
//! In a fragmented file the dropped boxes are replaced by zero-filled `free` boxes of the same size instead,
//! so that no offset anywhere in the file changes; the metadata is gone either way.

use super::{blank, corrupt, read_box, BoxHeader};
use crate::{Dimensions, MediaError};

/// Where an `stco` (32-bit) or `co64` (64-bit) table's entries sit in the output, to be shifted once the
/// final size of `moov` is known.
pub(super) struct OffsetTable {
    pub at: usize,
    pub count: usize,
    pub wide: bool,
}

pub(super) struct Rebuilt {
    pub offset_tables: Vec<OffsetTable>,
    /// The first video track's presentation size.
    pub size: Option<Dimensions>,
}

const REMOVED: [&[u8; 4]; 3] = [b"udta", b"meta", b"uuid"];

/// Sample entry bodies start with 8 reserved/index bytes; a visual entry then has 34 bytes of sizes and
/// resolutions before its 32-byte compressor name (a Pascal string such as the encoder or camera name).
const COMPRESSOR_NAME: std::ops::Range<usize> = 42..74;

/// What we learn about the `trak` being rewritten. Only `vide` and `soun` tracks are accepted: timed
/// metadata tracks (`meta`: GoPro GPMF, Google CAMM, Apple `mebx`), subtitle tracks (some drones write
/// their GPS position as subtitles) and timecode tracks (wall-clock time) keep their payload in `mdat`,
/// where removing it would take a sample-table rewrite. Refusing the file leaks nothing.
#[derive(Default)]
struct Track {
    handler: Option<[u8; 4]>,
    size: Option<Dimensions>,
}

struct Rewriter<'a> {
    data: &'a [u8],
    blank_in_place: bool,
    tables: Vec<OffsetTable>,
    size: Option<Dimensions>,
    track: Track,
}

pub(super) fn rebuild(
    data: &[u8],
    moov: &BoxHeader,
    out: &mut Vec<u8>,
    blank_in_place: bool,
) -> Result<Rebuilt, MediaError> {
    let mut rewriter = Rewriter { data, blank_in_place, tables: Vec::new(), size: None, track: Track::default() };
    rewriter.container(moov, out)?;
    Ok(Rebuilt { offset_tables: rewriter.tables, size: rewriter.size })
}

/// The only descents we make, so nesting (and recursion) is at most five deep whatever the file says.
fn is_child_container(parent: &[u8; 4], child: &[u8; 4]) -> bool {
    matches!((parent, child), (b"moov", b"trak") | (b"trak", b"mdia") | (b"mdia", b"minf") | (b"minf", b"stbl"))
}

impl Rewriter<'_> {
    fn container(&mut self, b: &BoxHeader, out: &mut Vec<u8>) -> Result<(), MediaError> {
        let at = out.len();
        out.extend_from_slice(&self.data[b.start..b.start + b.header_len]);
        if &b.kind == b"trak" {
            self.track = Track::default();
        }
        let mut pos = b.body().start;
        while pos < b.end {
            let child = read_box(self.data, pos, b.end, false)?;
            pos = child.end;
            if REMOVED.contains(&&child.kind) {
                if self.blank_in_place {
                    blank(self.data, &child, out);
                }
            } else if is_child_container(&b.kind, &child.kind) {
                self.container(&child, out)?;
            } else {
                self.leaf(&b.kind, &child, out)?;
            }
        }
        write_size(out, at, b.header_len)?;
        if &b.kind == b"trak" {
            match self.track.handler.as_ref() {
                Some(b"vide") => self.size = self.size.or(self.track.size),
                Some(b"soun") => {}
                Some(_) => return Err(MediaError::UnsupportedType),
                None => return Err(corrupt("mp4 track without a handler")),
            }
        }
        Ok(())
    }

    fn leaf(&mut self, parent: &[u8; 4], b: &BoxHeader, out: &mut Vec<u8>) -> Result<(), MediaError> {
        let at = out.len() + b.header_len;
        out.extend_from_slice(&self.data[b.start..b.end]);
        let body = &mut out[at..];
        match &b.kind {
            b"mvhd" | b"mdhd" => zero_times(body)?,
            b"tkhd" => {
                zero_times(body)?;
                self.track.size = presentation_size(body);
            }
            // QuickTime-style files also have a data handler `hdlr` in `minf`: the track's kind is mdia's.
            b"hdlr" if parent == b"mdia" => {
                let handler = body.get(8..12).ok_or(corrupt("mp4 handler box too short"))?;
                self.track.handler = Some([handler[0], handler[1], handler[2], handler[3]]);
                // The name ("Core Media Video", a vendor's handler…) becomes an empty string.
                if let Some(name) = body.get_mut(24..) {
                    name.fill(0);
                }
            }
            b"stco" | b"co64" => {
                let wide = &b.kind == b"co64";
                let count = body.get(4..8).ok_or(corrupt("mp4 chunk offset table too short"))?;
                let count = u32::from_be_bytes([count[0], count[1], count[2], count[3]]) as usize;
                let needed = count.checked_mul(if wide { 8 } else { 4 }).and_then(|n| n.checked_add(8));
                if needed.is_none_or(|needed| needed > body.len()) {
                    return Err(corrupt("mp4 chunk offset table too short"));
                }
                self.tables.push(OffsetTable { at: at + 8, count, wide });
            }
            b"stsd" if self.track.handler == Some(*b"vide") => zero_compressor_names(body)?,
            _ => {}
        }
        Ok(())
    }
}

/// Writes the length of the box that starts at `at` and runs to the end of `out`, in the header form the
/// box already had (32-bit, or 64-bit "largesize" after a size of 1).
fn write_size(out: &mut [u8], at: usize, header_len: usize) -> Result<(), MediaError> {
    let len = out.len() - at;
    if header_len == 16 {
        out[at + 8..at + 16].copy_from_slice(&(len as u64).to_be_bytes());
    } else {
        let len = u32::try_from(len).map_err(|_| corrupt("mp4 box too large"))?;
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// `mvhd`, `tkhd` and `mdhd` start with version and flags, then the creation and modification times
/// (32-bit in version 0, 64-bit in version 1): the moment of recording. Zero means "unknown" to players.
fn zero_times(body: &mut [u8]) -> Result<(), MediaError> {
    let end = if body.first() == Some(&1) { 20 } else { 12 };
    body.get_mut(4..end).ok_or(corrupt("mp4 header box too short"))?.fill(0);
    Ok(())
}

/// A `tkhd`'s width and height (16.16 fixed point), after the matrix: 76 bytes in, 88 in version 1.
fn presentation_size(tkhd: &[u8]) -> Option<Dimensions> {
    let at = if tkhd.first() == Some(&1) { 88 } else { 76 };
    let b = tkhd.get(at..at + 8)?;
    let width = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) >> 16;
    let height = u32::from_be_bytes([b[4], b[5], b[6], b[7]]) >> 16;
    (width > 0 && height > 0).then_some((width, height))
}

/// Blanks the compressor name of every sample entry of a video track's `stsd` (version, flags and entry
/// count, then one box per entry).
fn zero_compressor_names(stsd: &mut [u8]) -> Result<(), MediaError> {
    let mut pos = 8;
    while pos < stsd.len() {
        let entry = read_box(stsd, pos, stsd.len(), false)?;
        let name = entry.start + entry.header_len + COMPRESSOR_NAME.start
            ..entry.start + entry.header_len + COMPRESSOR_NAME.end;
        if name.end <= entry.end {
            stsd[name].fill(0);
        }
        pos = entry.end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_zeroed_in_both_versions() {
        let mut v0 = [0u8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9];
        zero_times(&mut v0).unwrap();
        assert_eq!(v0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9]);
        let mut v1 = [1u8; 22];
        zero_times(&mut v1).unwrap();
        assert_eq!(&v1[4..20], &[0; 16]);
        assert_eq!(&v1[20..], &[1, 1]);
        assert!(zero_times(&mut [0u8; 6]).is_err());
    }
}
