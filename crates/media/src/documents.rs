//! Official forms (biểu mẫu): PDF, Word (DOCX) and Excel (XLSX) files, recognised from their bytes. Office files
//! are ZIP archives; one is a DOCX only if its directory (read by the `zip` crate) names `word/document.xml`, an
//! XLSX only if it names `xl/workbook.xml`, and both need `[Content_Types].xml`. Anything else — an executable,
//! an HTML page, a renamed archive, a macro-enabled workbook (`vbaProject.bin`) — is refused.

use std::io::Cursor;

use crate::MediaError;

/// The largest form accepted.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Pdf,
    Docx,
    Xlsx,
}

impl DocumentKind {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn parse(extension: &str) -> Option<Self> {
        [Self::Pdf, Self::Docx, Self::Xlsx].into_iter().find(|k| k.extension() == extension)
    }
}

/// What the document is, or why it is refused.
pub fn sniff_document(bytes: &[u8]) -> Result<DocumentKind, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(MediaError::TooLarge { limit: MAX_DOCUMENT_BYTES });
    }
    if bytes.starts_with(b"%PDF-") {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(MediaError::CorruptFile("pdf without end marker"));
        }
        return Ok(DocumentKind::Pdf);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(MediaError::UnsupportedType);
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| MediaError::CorruptFile("zip directory"))?;
    let names: Vec<&str> = archive.file_names().collect();
    let has = |name: &str| names.contains(&name);
    if !has("[Content_Types].xml") || names.iter().any(|n| n.ends_with("vbaProject.bin")) {
        return Err(MediaError::UnsupportedType);
    }
    match (has("word/document.xml"), has("xl/workbook.xml")) {
        (true, false) => Ok(DocumentKind::Docx),
        (false, true) => Ok(DocumentKind::Xlsx),
        _ => Err(MediaError::UnsupportedType),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A minimal Office-like archive holding these (empty) entries.
    pub(crate) fn office(names: &[&str]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for name in names {
            zip.start_file(
                *name,
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
            zip.write_all(b"<x/>").unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn recognises_pdf_docx_and_xlsx_and_refuses_the_rest() {
        assert_eq!(sniff_document(b"%PDF-1.7\n1 0 obj\n%%EOF\n").unwrap(), DocumentKind::Pdf);
        let docx = office(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(sniff_document(&docx).unwrap(), DocumentKind::Docx);
        let xlsx = office(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(sniff_document(&xlsx).unwrap(), DocumentKind::Xlsx);
        for bad in
            [&b"MZ\x90\x00\x03\x00\x00\x00 an executable"[..], b"\x7fELF\x02\x01", b"<!doctype html><script>x</script>"]
        {
            assert_eq!(sniff_document(bad), Err(MediaError::UnsupportedType));
        }
        let macro_book = office(&["[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"]);
        assert_eq!(sniff_document(&macro_book), Err(MediaError::UnsupportedType));
        assert_eq!(sniff_document(&office(&["a.txt"])), Err(MediaError::UnsupportedType), "a plain archive");
        assert!(matches!(sniff_document(b"PK\x03\x04garbage"), Err(MediaError::CorruptFile(_))));
        assert!(matches!(sniff_document(b"%PDF-1.4 truncated"), Err(MediaError::CorruptFile(_))));
        assert_eq!(sniff_document(b""), Err(MediaError::Empty));
    }
}
