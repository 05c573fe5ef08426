//! Résumés: the type is detected from the content, never from the file name, and the text
//! is extracted for search.

pub mod pdf_text;

use std::io::Read;

/// A résumé type Cohort accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeKind {
    Pdf,
    Docx,
    Text,
}

impl ResumeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResumeKind::Pdf => "pdf",
            ResumeKind::Docx => "docx",
            ResumeKind::Text => "text",
        }
    }

    pub fn parse(text: &str) -> Option<ResumeKind> {
        [ResumeKind::Pdf, ResumeKind::Docx, ResumeKind::Text]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ResumeKind::Pdf => "application/pdf",
            ResumeKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            ResumeKind::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ResumeKind::Pdf => "pdf",
            ResumeKind::Docx => "docx",
            ResumeKind::Text => "txt",
        }
    }
}

/// Why an upload was refused. Each message tells the candidate what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UploadError {
    #[error("Attach your résumé.")]
    Missing,
    #[error("The résumé is {size_mb:.1} MB; the limit is 5 MB. Save it as a smaller PDF.")]
    TooLarge { size_mb: f64 },
    #[error("This is an old Word document (.doc). Save it as .docx or PDF and upload it again.")]
    LegacyWord,
    #[error("The résumé must be a PDF, a Word document (.docx) or plain text; this file is none of these.")]
    Unsupported,
    #[error("This PDF could not be read; it may be damaged or password-protected. Export it again and retry.")]
    UnreadablePdf,
    #[error("This Word document could not be read; it may be damaged. Save it again and retry.")]
    UnreadableDocx,
}

/// A résumé whose type is known and whose text has been extracted.
#[derive(Debug, Clone)]
pub struct Resume {
    pub kind: ResumeKind,
    pub text: String,
}

/// At most this much extracted text is kept for search: about eight pages of dense text, more
/// than any résumé has, so indexing cost stays bounded whatever the file holds.
const MAX_TEXT_CHARS: usize = 20_000;

/// Detects the type from the content and extracts the text. CPU-heavy: call it off the async runtime.
pub fn read_resume(bytes: &[u8]) -> Result<Resume, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Missing);
    }
    if bytes.len() > cohort_domain::application::MAX_RESUME_BYTES {
        return Err(UploadError::TooLarge {
            size_mb: bytes.len() as f64 / (1024.0 * 1024.0),
        });
    }
    let (kind, text) = if bytes.starts_with(b"%PDF-") {
        (ResumeKind::Pdf, normalise(&pdf_text(bytes)?))
    } else if bytes.starts_with(b"PK\x03\x04") {
        (ResumeKind::Docx, normalise(&docx_text(bytes)?))
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(UploadError::LegacyWord);
    } else if let Some(text) = as_text(bytes) {
        (ResumeKind::Text, normalise(text))
    } else {
        return Err(UploadError::Unsupported);
    };
    Ok(Resume { kind, text })
}

/// Words separated by single spaces, at most [`MAX_TEXT_CHARS`] characters: the rest of a long
/// file is never looked at.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_CHARS * 2));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= MAX_TEXT_CHARS {
                return out;
            }
            out.push(c);
            chars += 1;
        }
        if chars >= MAX_TEXT_CHARS {
            break;
        }
    }
    out
}

/// The file as text, if it is UTF-8 without NUL bytes and with few control characters. One pass
/// over the bytes: in UTF-8 every C0 control is a single byte below 0x20 (or 0x7F).
fn as_text(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut controls = 0usize;
    for &byte in bytes {
        match byte {
            0 => return None,
            b'\n' | b'\r' | b'\t' | 0x0C => {}
            0x01..=0x1F | 0x7F => controls += 1,
            _ => {}
        }
    }
    (controls * 100 <= bytes.len()).then_some(text)
}

fn pdf_text(bytes: &[u8]) -> Result<String, UploadError> {
    // The PDF parser can panic on hostile input; a panic here must only refuse the upload.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        match pdf_text::extract(bytes, MAX_TEXT_CHARS) {
            Ok(text) if text.chars().any(char::is_alphanumeric) => Ok(text),
            // Fonts the fast path cannot decode: take the slower, more thorough extractor.
            Ok(_) => pdf_extract::extract_text_from_mem(bytes).map_err(|_| ()),
            Err(_) => Err(()),
        }
    }));
    match result {
        Ok(Ok(text)) => Ok(text),
        _ => Err(UploadError::UnreadablePdf),
    }
}

fn docx_text(bytes: &[u8]) -> Result<String, UploadError> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| UploadError::Unsupported)?;
    let mut document = archive
        .by_name("word/document.xml")
        .map_err(|_| UploadError::Unsupported)?;
    if document.size() > 50 * 1024 * 1024 {
        return Err(UploadError::UnreadableDocx);
    }
    let mut xml = String::new();
    document
        .by_ref()
        .take(50 * 1024 * 1024)
        .read_to_string(&mut xml)
        .map_err(|_| UploadError::UnreadableDocx)?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut text = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(tag)) if tag.name().as_ref() == b"w:t" => {
                in_text = true
            }
            Ok(quick_xml::events::Event::End(tag)) if tag.name().as_ref() == b"w:t" => {
                in_text = false
            }
            Ok(quick_xml::events::Event::End(tag)) if tag.name().as_ref() == b"w:p" => {
                text.push('\n')
            }
            Ok(quick_xml::events::Event::Text(content)) if in_text => {
                text.push_str(
                    &content
                        .unescape()
                        .map_err(|_| UploadError::UnreadableDocx)?,
                );
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Err(_) => return Err(UploadError::UnreadableDocx),
            _ => {}
        }
    }
    Ok(text)
}

/// A file name safe to echo back in pages and a `Content-Disposition` header.
pub fn clean_filename(name: &str, kind: ResumeKind) -> String {
    let base: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let stem = base
        .rsplit_once('.')
        .map(|(stem, _)| stem)
        .unwrap_or(&base)
        .trim();
    let stem = if stem.is_empty() { "resume" } else { stem };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_recognised_by_content() {
        let resume = read_resume("Ada Lovelace\nAnalytical Engine".as_bytes()).unwrap();
        assert_eq!(resume.kind, ResumeKind::Text);
        assert_eq!(resume.text, "Ada Lovelace Analytical Engine");
    }

    #[test]
    fn binary_and_legacy_files_are_refused_with_a_reason() {
        assert_eq!(
            read_resume(&[0x7f, b'E', b'L', b'F', 0, 0, 1, 2]).unwrap_err(),
            UploadError::Unsupported
        );
        assert_eq!(
            read_resume(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2]).unwrap_err(),
            UploadError::LegacyWord
        );
        assert_eq!(read_resume(b"").unwrap_err(), UploadError::Missing);
        assert!(matches!(
            read_resume(&vec![b'a'; 5 * 1024 * 1024 + 1]).unwrap_err(),
            UploadError::TooLarge { .. }
        ));
    }

    #[test]
    fn long_text_is_cut_at_the_limit_with_single_spaces() {
        let long = "word\t\n ".repeat(MAX_TEXT_CHARS);
        let resume = read_resume(long.as_bytes()).unwrap();
        assert_eq!(resume.text.chars().count(), MAX_TEXT_CHARS);
        assert!(resume.text.starts_with("word word"));
        assert!(!resume.text.contains("  "));
    }

    #[test]
    fn text_with_many_control_characters_is_not_text() {
        let mut bytes = b"Ada Lovelace ".repeat(10);
        bytes.extend([0x01; 40]);
        assert_eq!(read_resume(&bytes).unwrap_err(), UploadError::Unsupported);
    }

    #[test]
    fn a_damaged_pdf_is_refused() {
        assert_eq!(
            read_resume(b"%PDF-1.4 garbage").unwrap_err(),
            UploadError::UnreadablePdf
        );
    }

    #[test]
    fn file_names_are_cleaned_and_take_the_detected_extension() {
        assert_eq!(
            clean_filename("../../etc/passwd", ResumeKind::Text),
            "passwd.txt"
        );
        assert_eq!(clean_filename("My CV.exe", ResumeKind::Pdf), "My CV.pdf");
        assert_eq!(
            clean_filename("\"><script>.pdf", ResumeKind::Pdf),
            "script.pdf"
        );
    }
}
