//! Text extraction from PDF résumés for search.
//!
//! `pdf-extract` lays text out faithfully but spends 4 to 6 ms of CPU on every file, whatever its
//! size, which alone capped submissions near 200 a second on two cores. Search needs the words
//! and their order, not the layout, so this walks the page content streams that `lopdf` decodes
//! and turns text-positioning operators into spaces and line breaks. It decodes strings with the
//! font encodings `lopdf` knows (the standard single-byte encodings and ToUnicode maps). When that
//! yields no words (a font it cannot decode, text drawn inside form objects), the caller falls
//! back to `pdf-extract`.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Document, Encoding, Object};

/// In a `TJ` array, a gap wider than this many thousandths of an em separates two words; smaller
/// adjustments are kerning inside a word.
const WORD_GAP_THOUSANDTHS: f32 = 200.0;

/// Why the fast path could not read the file at all.
#[derive(Debug)]
pub struct NotAPdf;

/// The words of every page, in content-stream order, with a line break wherever the text moves
/// to a new line. Stops once `max_chars` characters have been collected.
pub fn extract(bytes: &[u8], max_chars: usize) -> Result<String, NotAPdf> {
    let document = Document::load_mem(bytes).map_err(|_| NotAPdf)?;
    let mut text = String::new();
    for page_id in document.get_pages().into_values() {
        if text.len() >= max_chars {
            break;
        }
        let Ok(content_bytes) = document.get_page_content(page_id) else {
            continue;
        };
        let Ok(content) = Content::decode(&content_bytes) else {
            continue;
        };
        let encodings: BTreeMap<Vec<u8>, Encoding> = document
            .get_page_fonts(page_id)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(name, font)| Some((name, font.get_font_encoding(&document).ok()?)))
            .collect();
        let mut page = PageText::default();
        for operation in &content.operations {
            let operands = &operation.operands;
            match operation.operator.as_str() {
                "Tf" => {
                    page.font = operands
                        .first()
                        .and_then(|name| name.as_name().ok())
                        .map(<[u8]>::to_vec);
                }
                "Tj" => page.show(&encodings, operands),
                "TJ" => {
                    if let Some(Object::Array(parts)) = operands.first() {
                        page.show_adjusted(&encodings, parts);
                    }
                }
                "'" | "\"" => {
                    page.line_break();
                    page.show(&encodings, operands);
                }
                "T*" | "ET" => page.line_break(),
                "Td" | "TD" => {
                    let dy = operands.get(1).and_then(number).unwrap_or(0.0);
                    if dy != 0.0 {
                        page.line_break();
                    } else {
                        page.space();
                    }
                }
                "Tm" => {
                    let y = operands.get(5).and_then(number);
                    if y != page.line_y {
                        page.line_break();
                    } else {
                        page.space();
                    }
                    page.line_y = y;
                }
                _ => {}
            }
        }
        text.push_str(&page.text);
        text.push('\n');
    }
    Ok(text)
}

#[derive(Default)]
struct PageText {
    text: String,
    font: Option<Vec<u8>>,
    line_y: Option<f32>,
}

impl PageText {
    fn show(&mut self, encodings: &BTreeMap<Vec<u8>, Encoding>, operands: &[Object]) {
        for operand in operands {
            if let Object::String(bytes, _) = operand {
                self.decode(encodings, bytes);
            }
        }
    }

    fn show_adjusted(&mut self, encodings: &BTreeMap<Vec<u8>, Encoding>, parts: &[Object]) {
        for part in parts {
            match part {
                Object::String(bytes, _) => self.decode(encodings, bytes),
                // A negative adjustment moves the next glyph right: a wide one is a space.
                other => {
                    if number(other).is_some_and(|gap| -gap > WORD_GAP_THOUSANDTHS) {
                        self.space();
                    }
                }
            }
        }
    }

    fn decode(&mut self, encodings: &BTreeMap<Vec<u8>, Encoding>, bytes: &[u8]) {
        let encoding = self.font.as_ref().and_then(|font| encodings.get(font));
        if let Some(decoded) = encoding.and_then(|e| Document::decode_text(e, bytes).ok()) {
            self.text.push_str(&decoded);
        }
    }

    fn space(&mut self) {
        if !self.text.ends_with(char::is_whitespace) && !self.text.is_empty() {
            self.text.push(' ');
        }
    }

    fn line_break(&mut self) {
        if !self.text.ends_with('\n') && !self.text.is_empty() {
            self.text.push('\n');
        }
    }
}

fn number(object: &Object) -> Option<f32> {
    match object {
        Object::Integer(value) => Some(*value as f32),
        Object::Real(value) => Some(*value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::content::Operation;
    use lopdf::{dictionary, Stream, StringFormat};

    fn literal(text: &str) -> Object {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    }

    /// A one-page PDF whose content stream is `operations`, in Helvetica under WinAnsiEncoding.
    fn pdf_with(operations: Vec<Operation>) -> Vec<u8> {
        let mut document = Document::with_version("1.5");
        let pages_id = document.new_object_id();
        let font_id = document.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let resources_id =
            document.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
        let content = Content { operations }.encode().unwrap();
        let content_id = document.add_object(Stream::new(dictionary! {}, content));
        let page_id = document.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        document.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog_id =
            document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        document.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        document.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn lines_moved_by_positioning_operators_stay_separate_words() {
        let bytes = pdf_with(vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("Td", vec![56.into(), 780.into()]),
            Operation::new("Tj", vec![literal("Ada Lovelace")]),
            Operation::new("T*", vec![]),
            Operation::new("Tj", vec![literal("Designed")]),
            Operation::new("Td", vec![0.into(), (-14).into()]),
            Operation::new("Tj", vec![literal("Compilers")]),
            Operation::new("Td", vec![40.into(), 0.into()]),
            Operation::new("Tj", vec![literal("Rust")]),
            Operation::new("ET", vec![]),
        ]);
        let text = extract(&bytes, 20_000).unwrap();
        assert_eq!(text, "Ada Lovelace\nDesigned\nCompilers Rust\n\n");
    }

    #[test]
    fn wide_gaps_in_adjusted_text_are_spaces_and_kerning_is_not() {
        let bytes = pdf_with(vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new(
                "TJ",
                vec![Object::Array(vec![
                    literal("Ka"),
                    Object::Integer(-30),
                    literal("ggle"),
                    Object::Integer(-250),
                    literal("winner"),
                ])],
            ),
            Operation::new("'", vec![literal("Next line")]),
            Operation::new("ET", vec![]),
        ]);
        let text = extract(&bytes, 20_000).unwrap();
        assert_eq!(text, "Kaggle winner\nNext line\n\n");
    }

    #[test]
    fn text_that_is_not_a_pdf_is_refused() {
        assert!(extract(b"%PDF-1.4 garbage", 20_000).is_err());
    }
}
