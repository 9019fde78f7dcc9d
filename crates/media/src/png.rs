//! PNG: keep the chunks that draw the pixels, drop every other one (text, EXIF, XMP, time, profiles…).
//!
//! img-parts checks each chunk's length and CRC and stops at IEND, so whatever was appended after the image
//! is not copied. Animated PNGs lose their animation chunks and become their default (first) image.

use img_parts::png::Png;
use img_parts::Bytes;

use crate::MediaError;

pub(crate) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Critical chunks, plus the ancillary ones that change how pixels look (transparency, gamma, colour
/// space, significant bits). Dropped among others: tEXt, zTXt, iTXt (XMP), eXIf, tIME, iCCP (a profile
/// can name the device), pHYs, caBX (C2PA provenance), acTL/fcTL/fdAT and private chunks.
const KEPT: [&[u8; 4]; 9] = [b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT"];

pub(crate) fn clean(data: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut png = Png::from_bytes(Bytes::copy_from_slice(data)).map_err(|e| match e {
        img_parts::Error::BadCRC => MediaError::CorruptFile("png chunk checksum mismatch"),
        _ => MediaError::CorruptFile("truncated png"),
    })?;
    let chunks = png.chunks();
    // from_bytes stops after IEND or at the end of the data: a file cut at a chunk boundary parses, so the
    // last chunk tells whether the file is complete.
    if chunks.first().map(|c| c.kind()) != Some(*b"IHDR") || chunks.first().map(|c| c.contents().len()) != Some(13) {
        return Err(MediaError::CorruptFile("png without a valid header chunk"));
    }
    if chunks.last().map(|c| c.kind()) != Some(*b"IEND") {
        return Err(MediaError::CorruptFile("truncated png"));
    }
    if !chunks.iter().any(|c| &c.kind() == b"IDAT") {
        return Err(MediaError::CorruptFile("png without image data"));
    }
    png.chunks_mut().retain(|chunk| KEPT.contains(&&chunk.kind()));
    Ok(png.encoder().bytes().to_vec())
}
