//! Hand-made test files: minimal valid images and an MP4 skeleton, plus the metadata a phone would add.
//!
//! The bare images were checked once with real decoders (djpeg, pngcheck, dwebp); building them from
//! named parts keeps every byte explained and avoids a codec dependency.

/// Latitude 10°46'37" as EXIF rationals (10/1, 46/1, 3700/100), little-endian: the GPS bytes that must
/// not survive.
pub const GPS_LATITUDE: [u8; 24] = [10, 0, 0, 0, 1, 0, 0, 0, 46, 0, 0, 0, 1, 0, 0, 0, 0x74, 0x0E, 0, 0, 100, 0, 0, 0];
pub const CAMERA_MAKE: &[u8] = b"TipsterPhone X1\0";
pub const GPS_TEXT: &[u8] = b"+10.7769+106.7009/";

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------- JPEG

/// A JPEG segment: marker, 16-bit length (counting itself), body.
pub fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// Everything of the 16×8 grey baseline JPEG up to and including its scan data (the file minus EOI).
pub fn jpeg_until_eoi() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    let mut dqt = vec![0x00]; // 8-bit table 0, every coefficient quantised by 1
    dqt.extend([1u8; 64]);
    out.extend(segment(0xDB, &dqt));
    // SOF0: 8-bit, height 8, width 16, one component (id 1, 1×1 sampling, table 0)
    out.extend(segment(0xC0, &[8, 0, 8, 0, 16, 1, 1, 0x11, 0]));
    // DC table 0 and AC table 0, each a single 1-bit code for symbol 0 (DC diff 0 / end of block)
    let mut dht = vec![0x00, 1];
    dht.extend([0u8; 15]);
    dht.push(0);
    out.extend(segment(0xC4, &dht));
    dht[0] = 0x10;
    out.extend(segment(0xC4, &dht));
    out.extend(segment(0xDA, &[1, 1, 0x00, 0, 63, 0]));
    // two blocks × (DC "0", EOB "0") = 0000, padded with ones
    out.push(0x0F);
    out
}

pub fn jpeg() -> Vec<u8> {
    let mut out = jpeg_until_eoi();
    out.extend([0xFF, 0xD9]);
    out
}

/// `jpeg` with `segments` inserted right after SOI, where cameras put theirs.
pub fn jpeg_with(segments: &[Vec<u8>]) -> Vec<u8> {
    let plain = jpeg();
    let mut out = plain[..2].to_vec();
    segments.iter().for_each(|s| out.extend(s));
    out.extend(&plain[2..]);
    out
}

/// A little-endian TIFF block as phones write it: IFD0 with Make, optionally Orientation, and a pointer
/// to a GPS IFD holding latitude and longitude.
pub fn exif_tiff(orientation: Option<u16>) -> Vec<u8> {
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value.to_le_bytes());
        e
    };
    let ifd0_entries = if orientation.is_some() { 3 } else { 2 };
    let ifd0_len = 2 + 12 * ifd0_entries + 4;
    let gps_ifd = 8 + ifd0_len;
    let gps_len = 2 + 12 * 4 + 4;
    let make_at = gps_ifd + gps_len;
    let lat_at = make_at + CAMERA_MAKE.len() as u32;
    let lon_at = lat_at + 24;

    let mut t = b"II\x2A\x00\x08\x00\x00\x00".to_vec();
    t.extend((ifd0_entries as u16).to_le_bytes());
    t.extend(entry(0x010F, 2, CAMERA_MAKE.len() as u32, make_at));
    if let Some(o) = orientation {
        t.extend(entry(0x0112, 3, 1, u32::from(o)));
    }
    t.extend(entry(0x8825, 4, 1, gps_ifd));
    t.extend([0; 4]);
    t.extend(4u16.to_le_bytes());
    t.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
    t.extend(entry(0x0002, 5, 3, lat_at));
    t.extend(entry(0x0003, 2, 2, u32::from_le_bytes(*b"E\0\0\0")));
    t.extend(entry(0x0004, 5, 3, lon_at));
    t.extend([0; 4]);
    t.extend(CAMERA_MAKE);
    t.extend(GPS_LATITUDE);
    for (num, den) in [(106u32, 1u32), (42, 1), (300, 100)] {
        t.extend(num.to_le_bytes());
        t.extend(den.to_le_bytes());
    }
    t
}

pub fn exif_app1(orientation: Option<u16>) -> Vec<u8> {
    let mut body = b"Exif\0\0".to_vec();
    body.extend(exif_tiff(orientation));
    segment(0xE1, &body)
}

pub const XMP: &[u8] = b"<x:xmpmeta><exif:GPSLatitude>10,46.37N</exif:GPSLatitude></x:xmpmeta>";

pub fn xmp_app1() -> Vec<u8> {
    segment(0xE1, &[b"http://ns.adobe.com/xap/1.0/\0".as_slice(), XMP].concat())
}

// ---------------------------------------------------------------- PNG

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(body);
    out.extend(crc32(&[kind.as_slice(), body].concat()).to_be_bytes());
    out
}

/// A 3×2 8-bit greyscale PNG with `extra` chunks between IHDR and IDAT.
pub fn png_with(extra: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &[0, 0, 0, 3, 0, 0, 0, 2, 8, 0, 0, 0, 0]));
    extra.iter().for_each(|c| out.extend(c));
    // zlib of two rows: filter 0 + 3 pixels each
    let idat = [0x78, 0xda, 0x63, 0xe0, 0x12, 0x91, 0x63, 0xd0, 0x30, 0xb2, 0x01, 0x00, 0x02, 0x74, 0x00, 0xd3];
    out.extend(png_chunk(b"IDAT", &idat));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

pub fn png() -> Vec<u8> {
    png_with(&[])
}

// ---------------------------------------------------------------- WebP

pub fn riff_chunk(id: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend((payload.len() as u32).to_le_bytes());
    out.extend(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
    out
}

pub fn webp_of(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32 + 4).to_le_bytes());
    out.extend(b"WEBP");
    out.extend(body);
    out
}

/// A lossless 3×2 bitstream (one colour, alpha bit set): header 0x2F, 14-bit width-1 and height-1,
/// then single-symbol prefix codes, so the pixels take no bits.
pub fn vp8l_chunk() -> Vec<u8> {
    riff_chunk(b"VP8L", &[0x2f, 0x02, 0x40, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07])
}

/// A VP8X extended header: flags, 3 reserved bytes, canvas 3×2 (24-bit width-1, height-1).
pub fn vp8x_chunk(flags: u8) -> Vec<u8> {
    riff_chunk(b"VP8X", &[flags, 0, 0, 0, 2, 0, 0, 1, 0, 0])
}

// ---------------------------------------------------------------- MP4

pub fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32 + 8).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(body);
    out
}

pub const MDAT_PAYLOAD: &[u8] = b"FRAME-0-DATA-FRAME-1-DATA";
pub const DEVICE: &[u8] = b"SM-G991B";
/// Creation/modification time written by the "phone" into mvhd, tkhd and mdhd.
pub const RECORDED_AT: [u8; 4] = [0x11, 0x22, 0x33, 0x44];

pub fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
    bx(b"ftyp", &[brand.as_slice(), &[0, 0, 2, 0], b"isomiso2mp41"].concat())
}

/// What the track looks like: its handler, and whether its chunk offsets are 64-bit.
pub struct Track {
    pub handler: [u8; 4],
    pub wide_offsets: bool,
}

pub fn moov(track: &Track, chunk_offset: u64) -> Vec<u8> {
    let mut mvhd = vec![0, 0, 0, 0];
    mvhd.extend(RECORDED_AT);
    mvhd.extend(RECORDED_AT);
    mvhd.extend([0, 0, 0x03, 0xE8, 0, 0, 0x03, 0xE8, 0, 1, 0, 0, 1, 0]);
    mvhd.resize(100, 0);
    let mut tkhd = vec![0, 0, 0, 3];
    tkhd.extend(RECORDED_AT);
    tkhd.extend(RECORDED_AT);
    tkhd.resize(76, 0);
    tkhd.extend((640u32 << 16).to_be_bytes());
    tkhd.extend((360u32 << 16).to_be_bytes());
    let mut mdhd = vec![0, 0, 0, 0];
    mdhd.extend(RECORDED_AT);
    mdhd.extend(RECORDED_AT);
    mdhd.resize(24, 0);
    let mut hdlr = vec![0; 8];
    hdlr.extend(track.handler);
    hdlr.extend([0; 12]);
    hdlr.extend(b"SamsungVideoHandle\0");
    let mut entry = vec![0; 42];
    entry.extend([DEVICE.len() as u8]);
    entry.extend(DEVICE);
    entry.resize(78, 0);
    let stsd = [&[0, 0, 0, 0, 0, 0, 0, 1][..], &bx(b"avc1", &entry)].concat();
    let offsets = if track.wide_offsets {
        bx(b"co64", &[&[0, 0, 0, 0, 0, 0, 0, 1][..], &chunk_offset.to_be_bytes()].concat())
    } else {
        bx(b"stco", &[&[0, 0, 0, 0, 0, 0, 0, 1][..], &(chunk_offset as u32).to_be_bytes()].concat())
    };
    let stbl = bx(b"stbl", &[bx(b"stsd", &stsd), offsets].concat());
    let minf = bx(b"minf", &stbl);
    let mdia = bx(b"mdia", &[bx(b"mdhd", &mdhd), bx(b"hdlr", &hdlr), minf].concat());
    let track_udta = bx(b"udta", &bx(b"name", b"Camera of Nguyen Van A"));
    let trak = bx(b"trak", &[bx(b"tkhd", &tkhd), mdia, track_udta].concat());

    let text = |s: &[u8]| [&(s.len() as u16).to_be_bytes()[..], &[0x15, 0xC7], s].concat();
    let udta = bx(
        b"udta",
        &[bx(b"\xA9xyz", &text(GPS_TEXT)), bx(b"\xA9mak", &text(b"samsung")), bx(b"\xA9mod", &text(DEVICE))].concat(),
    );
    let meta = bx(
        b"meta",
        &[
            bx(b"hdlr", &[&[0u8; 8][..], b"mdta", &[0; 13]].concat()),
            bx(b"keys", b"\0\0\0\0\0\0\0\x01\0\0\0\x2cmdtacom.apple.quicktime.location.ISO6709"),
            bx(b"ilst", &bx(b"\0\0\0\x01", &bx(b"data", &[&[0, 0, 0, 1, 0, 0, 0, 0][..], GPS_TEXT].concat()))),
        ]
        .concat(),
    );
    bx(b"moov", &[bx(b"mvhd", &mvhd), trak, udta, meta].concat())
}

/// ftyp, moov, mdat: the "fast start" layout, where shrinking moov moves the media data.
pub fn mp4_fast_start(track: &Track) -> Vec<u8> {
    let head = ftyp(b"isom");
    let moov_len = moov(track, 0).len();
    let offset = (head.len() + moov_len + 8) as u64;
    [head, moov(track, offset), bx(b"mdat", MDAT_PAYLOAD)].concat()
}

/// ftyp, mdat, moov: how phones write while recording; the media data does not move.
pub fn mp4_moov_last(track: &Track) -> Vec<u8> {
    let head = ftyp(b"mp42");
    let offset = (head.len() + 8) as u64;
    [head, bx(b"mdat", MDAT_PAYLOAD), moov(track, offset)].concat()
}

pub const VIDEO: Track = Track { handler: *b"vide", wide_offsets: false };

/// Checks that every box along moov → trak → mdia → minf → stbl exactly fills its parent, and returns the
/// top-level boxes as (type, start, end).
pub fn check_box_tree(file: &[u8]) -> Vec<([u8; 4], usize, usize)> {
    fn walk(data: &[u8], start: usize, end: usize, depth: usize, out: &mut Vec<([u8; 4], usize, usize)>) {
        let mut pos = start;
        while pos < end {
            let size = u32::from_be_bytes(data[pos..pos + 4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = data[pos + 4..pos + 8].try_into().unwrap();
            assert!(size >= 8 && pos + size <= end, "box {:?} at {pos} overflows its parent", kind);
            if depth == 0 {
                out.push((kind, pos, pos + size));
            }
            if matches!(&kind, b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl") {
                walk(data, pos + 8, pos + size, depth + 1, out);
            }
            pos += size;
        }
        assert_eq!(pos, end, "boxes do not fill their parent");
    }
    let mut top = Vec::new();
    walk(file, 0, file.len(), 0, &mut top);
    top
}

/// The first chunk offset of the file's stco/co64 table.
pub fn first_chunk_offset(file: &[u8]) -> usize {
    if let Some(at) = file.windows(4).position(|w| w == b"stco") {
        return u32::from_be_bytes(file[at + 12..at + 16].try_into().unwrap()) as usize;
    }
    let at = file.windows(4).position(|w| w == b"co64").expect("a chunk offset table");
    u64::from_be_bytes(file[at + 12..at + 20].try_into().unwrap()) as usize
}
