//! Citizen attachments: tell what a file really is from its bytes, strip what could identify the tipster
//! (location, device, time, names) and keep the result in a content-addressed local store.
//!
//! Nothing here does networking or knows about tips: `web` receives the upload, calls [`clean`], stores the
//! [`Cleaned::bytes`] with [`ObjectStore::put`] and records the key. Only cleaned bytes are ever stored, so
//! the original file (with its EXIF GPS or its MP4 `©xyz` box) never reaches the disk.
//!
//! Images are not re-encoded (that would need a full codec and its compile time); their containers are
//! rewritten keeping only the segments/chunks needed to draw the pixels (an allow-list, so metadata kinds
//! we have never heard of are dropped too). Videos keep their media data and lose `udta`/`meta`.

mod documents;
mod jpeg;
mod mp4;
mod png;
mod store;
mod webp;

pub use documents::{sniff_document, DocumentKind, MAX_DOCUMENT_BYTES};
pub use store::{ObjectKey, ObjectStore};

/// The kinds of attachment we accept, decided by [`sniff`] from the bytes only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Jpeg,
    Png,
    Webp,
    Mp4,
}

impl MediaKind {
    /// The content type to serve the cleaned file with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Mp4 => "video/mp4",
        }
    }

    /// The file name extension to offer on download (never the one the citizen's file had).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Mp4 => "mp4",
        }
    }

    pub fn is_video(self) -> bool {
        self == Self::Mp4
    }
}

/// What the bytes are, from their magic numbers alone: file names and declared content types are chosen
/// by the sender, so they are never consulted. Anything not listed in [`MediaKind`] (HTML, SVG, PDF,
/// executables, archives, GIF, HEIC/AVIF…) is `None`.
pub fn sniff(bytes: &[u8]) -> Option<MediaKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaKind::Jpeg)
    } else if bytes.starts_with(png::SIGNATURE) {
        Some(MediaKind::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(MediaKind::Webp)
    } else if mp4::is_mp4(bytes) {
        Some(MediaKind::Mp4)
    } else {
        None
    }
}

/// Width and height in pixels.
pub(crate) type Dimensions = (u32, u32);

/// Size limits, checked before any parsing so a huge upload costs no work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_image_bytes: usize,
    pub max_video_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_image_bytes: 10 * 1024 * 1024, max_video_bytes: 50 * 1024 * 1024 }
    }
}

/// Why a file was refused. [`MediaError::code`] is stable: the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the file is not a JPEG, PNG or WebP image nor an MP4 video")]
    UnsupportedType,
    /// The reason is a fixed text for logs and tests; it never carries bytes from the file.
    #[error("the file is damaged or truncated: {0}")]
    CorruptFile(&'static str),
}

impl MediaError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge { .. } => "too_large",
            Self::UnsupportedType => "unsupported_type",
            Self::CorruptFile(_) => "corrupt_file",
        }
    }
}

/// A file that passed [`clean`]: these bytes, and only these, may be stored and served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub kind: MediaKind,
    pub bytes: Vec<u8>,
    /// Pixel size; for a video, the first video track's presentation size when it declares one.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Checks that `bytes` are a well-formed JPEG, PNG, WebP or MP4 within `limits` and returns a copy without
/// metadata that could identify a person, a place or a device. CPU-bound and synchronous: async callers
/// run it in `spawn_blocking`.
pub fn clean(bytes: &[u8], limits: &Limits) -> Result<Cleaned, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let kind = sniff(bytes).ok_or(MediaError::UnsupportedType)?;
    let limit = if kind.is_video() { limits.max_video_bytes } else { limits.max_image_bytes };
    if bytes.len() > limit {
        return Err(MediaError::TooLarge { limit });
    }
    let (bytes, size) = match kind {
        MediaKind::Jpeg => image_with_size(jpeg::clean(bytes)?)?,
        MediaKind::Png => image_with_size(png::clean(bytes)?)?,
        MediaKind::Webp => image_with_size(webp::clean(bytes)?)?,
        MediaKind::Mp4 => mp4::clean(bytes)?,
    };
    Ok(Cleaned { kind, bytes, width: size.map(|s| s.0), height: size.map(|s| s.1) })
}

/// Reads the size back from the *cleaned* bytes with a second, independent parser: if it cannot, the
/// rewrite broke something (or the input was too damaged to notice earlier) and the file is refused.
fn image_with_size(cleaned: Vec<u8>) -> Result<(Vec<u8>, Option<Dimensions>), MediaError> {
    let size = imagesize::blob_size(&cleaned).map_err(|_| MediaError::CorruptFile("dimensions unreadable"))?;
    let (Ok(width), Ok(height)) = (u32::try_from(size.width), u32::try_from(size.height)) else {
        return Err(MediaError::CorruptFile("dimensions out of range"));
    };
    if width == 0 || height == 0 {
        return Err(MediaError::CorruptFile("zero dimensions"));
    }
    Ok((cleaned, Some((width, height))))
}
