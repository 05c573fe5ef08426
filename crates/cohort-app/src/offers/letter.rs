//! The offer letter: the season's template filled with the offer's terms (Markdown), its SHA-256
//! (what an acceptance records), and the same letter as a PDF.
//!
//! The PDF is laid out here on `printpdf`: headings, paragraphs, bullet lists and bold runs,
//! wrapped by the widths of DejaVu Sans (embedded, so that any Latin, Greek or Cyrillic name
//! prints), with the letter's hash at the foot of each page.

use chrono::NaiveDate;
use cohort_domain::offers::{self, escape_markdown, Housing, TemplateError};
use cohort_store::offers::OfferRecord;
use printpdf::{
    Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Formats an ISO date for a letter: "7 June 2027".
pub fn long_date(iso: &str) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

/// The end of the deadline as the candidate reads it: "15 February 2027 at 23:59
/// (America/Los_Angeles)".
pub fn deadline_text(deadline: &str, zone: &str) -> String {
    format!("{} at 23:59 ({zone})", long_date(deadline))
}

/// Fills `template` with `offer`'s terms; `recruiter` signs it.
pub fn compose(
    template: &str,
    offer: &OfferRecord,
    recruiter: &str,
) -> Result<String, TemplateError> {
    let currency = offer.currency();
    let money = |amount: i64| currency.format(amount);
    let weeks = {
        let start = NaiveDate::parse_from_str(&offer.start_date, "%Y-%m-%d");
        let end = NaiveDate::parse_from_str(&offer.end_date, "%Y-%m-%d");
        match (start, end) {
            (Ok(start), Ok(end)) => (((end - start).num_days() + 1 + 6) / 7).to_string(),
            _ => String::new(),
        }
    };
    offers::fill_letter(template, |field| {
        let text = match field {
            "candidate_name" => offer.candidate_name.clone(),
            "season" => offer.season_name.clone(),
            "role" => offer.opening_title.clone(),
            "track" => offer.track_name.clone(),
            "location" => format!("{}, {}", offer.city, offer.country),
            "start_date" => long_date(&offer.start_date),
            "end_date" => long_date(&offer.end_date),
            "weeks" => weeks.clone(),
            "monthly_pay" => money(offer.monthly_pay_minor),
            "housing" => match offer.housing() {
                Housing::Corporate => "corporate housing, arranged by us".to_owned(),
                Housing::Stipend(0) => "none".to_owned(),
                Housing::Stipend(amount) => format!("a stipend of {} a month", money(amount)),
            },
            "relocation" => match offer.relocation_minor {
                0 => "none".to_owned(),
                amount => money(amount),
            },
            "sign_on_bonus" => match offer.sign_on_minor {
                0 => "none".to_owned(),
                amount => money(amount),
            },
            "deadline" => deadline_text(&offer.deadline, &offer.time_zone),
            "recruiter_name" => recruiter.to_owned(),
            _ => return None,
        };
        Some(escape_markdown(&text))
    })
}

/// The SHA-256 of a letter's text, in hex: what the candidate's answer names.
pub fn hash(letter: &str) -> String {
    hex::encode(Sha256::digest(letter.as_bytes()))
}

/// The letter as HTML for its page. The template is an administrator's and the fields are
/// escaped, but raw HTML is still shown as text: a letter is text. Its headings sit one level
/// below the page's own heading.
pub fn to_html(letter: &str) -> String {
    let lower = |level: HeadingLevel| match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    let parser = Parser::new(letter).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: lower(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: ParsedFont::from_bytes(dejavu::sans::regular(), 0, &mut Vec::new())
            .expect("DejaVu Sans parses"),
        bold: ParsedFont::from_bytes(dejavu::sans::bold(), 0, &mut Vec::new())
            .expect("DejaVu Sans Bold parses"),
    })
}

/// The width of `text` at `size` points in `font`.
fn width(font: &ParsedFont, text: &str, size: f32) -> f32 {
    let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(c as u32)
                .and_then(|glyph| font.get_glyph_width(glyph))
                .map_or(u32::from(font.pdf_font_metrics.units_per_em) / 2, u32::from)
        })
        .sum();
    units as f32 * size / units_per_em
}

/// A block of the letter: a heading, a paragraph or a list item, as runs of regular or bold text.
struct Block {
    kind: BlockKind,
    runs: Vec<(String, bool)>,
}

#[derive(Clone, Copy, PartialEq)]
enum BlockKind {
    Heading(u8),
    Paragraph,
    Item,
}

fn blocks(letter: &str) -> Vec<Block> {
    let mut found: Vec<Block> = Vec::new();
    let mut bold = 0_u32;
    let mut current: Option<Block> = None;
    for event in Parser::new(letter) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                };
                current = Some(Block {
                    kind: BlockKind::Heading(level),
                    runs: Vec::new(),
                });
            }
            Event::Start(Tag::Item) => {
                current = Some(Block {
                    kind: BlockKind::Item,
                    runs: Vec::new(),
                });
            }
            // A paragraph inside a list item belongs to the item.
            Event::Start(Tag::Paragraph) if current.is_none() => {
                current = Some(Block {
                    kind: BlockKind::Paragraph,
                    runs: Vec::new(),
                });
            }
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                if let Some(block) = current.as_mut() {
                    block.runs.push((text.into_string(), bold > 0));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(block) = current.as_mut() {
                    block.runs.push((" ".to_owned(), false));
                }
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Item | TagEnd::Paragraph) => {
                if let Some(block) = current.take() {
                    found.push(block);
                }
            }
            _ => {}
        }
    }
    found
}

/// Page geometry, in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 64.0;

/// Lays the letter out on A4 pages and returns the PDF.
pub fn pdf(letter: &str, title: &str) -> Vec<u8> {
    let fonts = fonts();
    let mut document = PdfDocument::new(title);
    let regular = document.add_font(&fonts.regular);
    let bold = document.add_font(&fonts.bold);
    let digest = hash(letter);
    let mut pages: Vec<Vec<Op>> = Vec::new();
    let mut ops: Vec<Op> = Vec::new();
    let mut y = PAGE_HEIGHT - MARGIN;
    let new_page = |ops: &mut Vec<Op>, pages: &mut Vec<Vec<Op>>| {
        pages.push(std::mem::take(ops));
    };
    for block in blocks(letter) {
        let (size, indent, space_before, force_bold) = match block.kind {
            BlockKind::Heading(1) => (18.0, 0.0, 4.0, true),
            BlockKind::Heading(_) => (13.0, 0.0, 10.0, true),
            BlockKind::Paragraph => (10.5, 0.0, 6.0, false),
            BlockKind::Item => (10.5, 14.0, 2.0, false),
        };
        let leading = size * 1.45;
        // Words, each made of pieces of one weight ("**Pay:**" then " 8,500" and so on).
        let mut words: Vec<Vec<(String, bool)>> = Vec::new();
        let mut word: Vec<(String, bool)> = Vec::new();
        for (text, is_bold) in &block.runs {
            let weight = *is_bold || force_bold;
            for c in text.chars() {
                if c.is_whitespace() {
                    if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    continue;
                }
                match word.last_mut() {
                    Some(last) if last.1 == weight => last.0.push(c),
                    _ => word.push((c.to_string(), weight)),
                }
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        // Greedy lines; a line is pieces of one weight, the spaces between words included.
        let font_of = |weight: bool| if weight { &fonts.bold } else { &fonts.regular };
        let available = PAGE_WIDTH - 2.0 * MARGIN - indent;
        let mut lines: Vec<Vec<(String, bool)>> = Vec::new();
        let mut line: Vec<(String, bool)> = Vec::new();
        let mut line_width = 0.0;
        for word in words {
            let word_width: f32 = word.iter().map(|(t, w)| width(font_of(*w), t, size)).sum();
            let space = width(font_of(word[0].1), " ", size);
            if !line.is_empty() && line_width + space + word_width > available {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            let mut pieces = word.into_iter();
            if !line.is_empty() {
                line_width += space;
                let (first, weight) = pieces.next().expect("a word has a piece");
                match line.last_mut() {
                    Some(last) if last.1 == weight => {
                        last.0.push(' ');
                        last.0.push_str(&first);
                    }
                    _ => line.push((format!(" {first}"), weight)),
                }
            }
            for (piece, weight) in pieces {
                match line.last_mut() {
                    Some(last) if last.1 == weight => last.0.push_str(&piece),
                    _ => line.push((piece, weight)),
                }
            }
            line_width += word_width;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        y -= space_before;
        for (index, line) in lines.iter().enumerate() {
            if y - leading < MARGIN + 20.0 {
                new_page(&mut ops, &mut pages);
                y = PAGE_HEIGHT - MARGIN;
            }
            y -= leading;
            ops.push(Op::StartTextSection);
            if block.kind == BlockKind::Item && index == 0 {
                ops.push(Op::SetTextCursor {
                    pos: Point::new(Mm::from(Pt(MARGIN + 2.0)), Mm::from(Pt(y))),
                });
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(regular.clone()),
                    size: Pt(size),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text("•".to_owned())],
                });
                ops.push(Op::EndTextSection);
                ops.push(Op::StartTextSection);
            }
            ops.push(Op::SetTextCursor {
                pos: Point::new(Mm::from(Pt(MARGIN + indent)), Mm::from(Pt(y))),
            });
            for (text, weight) in line {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(if *weight {
                        bold.clone()
                    } else {
                        regular.clone()
                    }),
                    size: Pt(size),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
            }
            ops.push(Op::EndTextSection);
        }
    }
    new_page(&mut ops, &mut pages);
    let count = pages.len();
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(index, mut ops)| {
            ops.extend([
                Op::StartTextSection,
                Op::SetTextCursor {
                    pos: Point::new(Mm::from(Pt(MARGIN)), Mm::from(Pt(MARGIN - 24.0))),
                },
                Op::SetFont {
                    font: PdfFontHandle::External(regular.clone()),
                    size: Pt(7.0),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(format!(
                        "Page {} of {count} · Letter SHA-256 {digest}",
                        index + 1
                    ))],
                },
                Op::EndTextSection,
            ]);
            PdfPage::new(Mm::from(Pt(PAGE_WIDTH)), Mm::from(Pt(PAGE_HEIGHT)), ops)
        })
        .collect();
    document
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letters_pdf_holds_its_words_its_bold_runs_and_its_hash() {
        let letter = "# Your offer\n\nDear **Zoë Núñez**,\n\n- **Monthly pay:** 8,500 USD\n- **Housing:** corporate housing\n\nPlease answer by **15 February 2027 at 23:59 (America/Los\\_Angeles)**.\n";
        let bytes = pdf(letter, "Offer");
        let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Your offer",
            "Dear Zoë Núñez,",
            "Monthly pay: 8,500 USD",
            "15 February 2027 at 23:59 (America/Los_Angeles).",
        ] {
            assert!(flat.contains(expected), "{expected:?} not in {flat:?}");
        }
        assert!(flat.contains(&hash(letter)));
    }

    #[test]
    fn a_long_letter_wraps_inside_the_margins_and_runs_onto_a_second_page() {
        let paragraph = "word ".repeat(120);
        let letter = format!("# Title\n\n{}", format!("{paragraph}\n\n").repeat(12));
        let bytes = pdf(&letter, "Long");
        let document = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(document.get_pages().len() >= 2);
        let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        assert_eq!(text.matches("word").count(), 120 * 12);
    }

    #[test]
    fn raw_html_in_a_template_shows_as_text_on_the_page() {
        let html = to_html("Hi <script>alert(1)</script> **there**");
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<strong>there</strong>"));
        assert_eq!(
            to_html("# Offer\n\n## Pay"),
            "<h2>Offer</h2>\n<h3>Pay</h3>\n"
        );
    }
}
