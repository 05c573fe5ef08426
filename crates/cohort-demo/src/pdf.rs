//! A minimal one-page PDF writer for résumés, built on `lopdf`.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

/// A one-page A4 PDF with `lines` of Helvetica text, top to bottom.
pub fn one_page(lines: &[String]) -> Vec<u8> {
    one_page_of_size(lines, 0)
}

/// Like [`one_page`], grown to about `size` bytes by an embedded binary stream, as real résumés
/// are grown by fonts and photos: the text stays small while the file is large.
pub fn one_page_of_size(lines: &[String], size: usize) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font_id = document.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let resources_id =
        document.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 11.into()]),
        Operation::new("TL", vec![16.into()]),
        Operation::new("Td", vec![56.into(), 780.into()]),
    ];
    for line in lines {
        // Helvetica in a simple PDF covers Latin-1; other characters are replaced.
        let latin: Vec<u8> = line
            .chars()
            .map(|c| if (c as u32) < 256 { c as u8 } else { b'?' })
            .collect();
        operations.push(Operation::new(
            "Tj",
            vec![Object::String(latin, lopdf::StringFormat::Literal)],
        ));
        operations.push(Operation::new("T*", vec![]));
    }
    operations.push(Operation::new("ET", vec![]));
    let content = Content { operations }
        .encode()
        .expect("a content stream of text operations encodes");
    let content_id = document.add_object(Stream::new(dictionary! {}, content));
    let page_id = document.add_object(
        dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id },
    );
    let pages = dictionary! {
        "Type" => "Pages",
        "Kids" => vec![page_id.into()],
        "Count" => 1,
        "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    document.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog_id);
    if size > 0 {
        // Incompressible bytes from a fixed-seed generator, so every file has the same size.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let filler: Vec<u8> = (0..size)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        document.add_object(Stream::new(
            dictionary! { "Type" => "EmbeddedFile" },
            filler,
        ));
    }
    let mut bytes = Vec::new();
    document
        .save_to(&mut bytes)
        .expect("writing to memory cannot fail");
    bytes
}
