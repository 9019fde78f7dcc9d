//! WebP: keep the image, alpha and animation chunks, drop EXIF, XMP, ICCP and unknown chunks, and clear
//! the VP8X flags that announced what was dropped.
//!
//! img-parts checks the RIFF sizes (a truncated file fails to parse), recomputes them on writing and
//! ignores whatever follows the RIFF chunk, so appended data is not copied.

use img_parts::riff::RiffContent;
use img_parts::webp::WebP;
use img_parts::Bytes;

use crate::MediaError;

/// Image data (lossy, lossless, alpha), the extended header and animation.
const KEPT: [&[u8; 4]; 6] = [b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"];
/// Chunks allowed inside an animation frame (ANMF): its image data only.
const FRAME_KEPT: [&[u8; 4]; 3] = [b"VP8 ", b"VP8L", b"ALPH"];
/// VP8X flag bits that stay true after cleaning: alpha and animation. ICC (0x20), EXIF (0x08), XMP
/// (0x04) and the reserved bits are cleared.
const VP8X_KEPT_FLAGS: u8 = 0x10 | 0x02;
/// An ANMF payload starts with the frame's position, size, duration and flags.
const ANMF_HEADER: usize = 16;

fn corrupt(reason: &'static str) -> MediaError {
    MediaError::CorruptFile(reason)
}

pub(crate) fn clean(data: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut webp = WebP::from_bytes(Bytes::copy_from_slice(data)).map_err(|_| corrupt("truncated webp"))?;
    let has_image = webp.chunks().iter().any(|c| matches!(&c.id(), b"VP8 " | b"VP8L" | b"ANMF"));
    if !has_image {
        return Err(corrupt("webp without image data"));
    }
    let chunks = webp.chunks_mut();
    chunks.retain(|chunk| KEPT.contains(&&chunk.id()));
    for chunk in chunks.iter_mut() {
        let id = chunk.id();
        let RiffContent::Data(payload) = chunk.content_mut() else {
            return Err(corrupt("unexpected webp list chunk"));
        };
        match &id {
            b"VP8X" => {
                if payload.len() != 10 {
                    return Err(corrupt("webp extended header has the wrong size"));
                }
                let mut header = payload.to_vec();
                header[0] &= VP8X_KEPT_FLAGS;
                *payload = Bytes::from(header);
            }
            b"ANMF" => *payload = Bytes::from(clean_frame(payload)?),
            _ => {}
        }
    }
    Ok(webp.encoder().bytes().to_vec())
}

/// Rewrites an animation frame keeping its header and image chunks only: the format allows unknown chunks
/// inside frames, and they would otherwise pass through untouched.
fn clean_frame(frame: &[u8]) -> Result<Vec<u8>, MediaError> {
    let header = frame.get(..ANMF_HEADER).ok_or(corrupt("truncated webp frame"))?;
    let mut out = header.to_vec();
    let mut pos = ANMF_HEADER;
    while pos < frame.len() {
        let head = frame.get(pos..pos + 8).ok_or(corrupt("truncated webp frame"))?;
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let size = usize::try_from(size).map_err(|_| corrupt("truncated webp frame"))?;
        let end = pos.checked_add(8 + size).filter(|&end| end <= frame.len());
        let end = end.ok_or(corrupt("truncated webp frame"))?;
        // Chunks are padded to an even size; the padding byte may be missing only at the very end.
        let padded = (end + size % 2).min(frame.len());
        if FRAME_KEPT.contains(&&[head[0], head[1], head[2], head[3]]) {
            out.extend_from_slice(&frame[pos..end]);
            if size % 2 == 1 {
                out.push(0);
            }
        }
        pos = padded;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(id: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut out = id.to_vec();
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(payload);
        if payload.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    #[test]
    fn frames_keep_only_image_chunks() {
        let mut frame = vec![7u8; ANMF_HEADER];
        frame.extend(chunk(b"VP8L", b"pixels!"));
        frame.extend(chunk(b"EXIF", b"GPS 10.77 N"));
        let cleaned = clean_frame(&frame).unwrap();
        let mut expected = vec![7u8; ANMF_HEADER];
        expected.extend(chunk(b"VP8L", b"pixels!"));
        assert_eq!(cleaned, expected);
    }

    #[test]
    fn truncated_frames_are_refused() {
        let mut frame = vec![0u8; ANMF_HEADER];
        frame.extend(chunk(b"VP8L", b"pixels"));
        frame.truncate(frame.len() - 2);
        assert!(clean_frame(&frame).is_err());
        assert!(clean_frame(&[0u8; 3]).is_err());
    }
}
