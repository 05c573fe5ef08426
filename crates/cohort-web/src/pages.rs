//! The layout every page shares, and formatting helpers for templates.

use crate::auth::policy::{CurrentAccount, Pipeline, Policy, Recruiting, StaffOnly};
use crate::auth::tokens::Csrf;
use askama::Template;
use chrono_tz::Tz;
use cohort_domain::Role;
use cohort_store::accounts::Account;

/// One link of the navigation bar.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

/// What every page's frame needs: its title, who is signed in, the CSRF token for its forms and
/// the navigation for the visitor's roles.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    /// A one-line confirmation shown at the top ("Application submitted").
    pub flash: Option<String>,
    /// The signed-in account's address while it is unconfirmed, for the reminder at the top.
    pub unconfirmed_email: Option<String>,
}

impl Layout {
    pub fn new(title: impl Into<String>, current: &CurrentAccount, csrf: &Csrf) -> Layout {
        Layout::for_account(title, current.0.as_ref(), csrf)
    }

    pub fn for_account(title: impl Into<String>, account: Option<&Account>, csrf: &Csrf) -> Layout {
        let mut nav = vec![NavLink {
            href: "/",
            label: "Openings",
        }];
        match account {
            None => {
                nav.push(NavLink {
                    href: "/login",
                    label: "Sign in",
                });
                nav.push(NavLink {
                    href: "/signup",
                    label: "Create account",
                });
            }
            Some(account) => {
                if account.has(Role::Candidate) {
                    nav.push(NavLink {
                        href: "/me",
                        label: "My applications",
                    });
                }
                if account.has(Role::Intern) {
                    nav.push(NavLink {
                        href: "/onboarding",
                        label: "Onboarding",
                    });
                }
                if Pipeline::allows(account) {
                    nav.push(NavLink {
                        href: "/staff",
                        label: "Seasons",
                    });
                    nav.push(NavLink {
                        href: "/staff/offers",
                        label: "Offers",
                    });
                    nav.push(NavLink {
                        href: "/staff/onboarding",
                        label: "Onboarding",
                    });
                } else if StaffOnly::allows(account) {
                    nav.push(NavLink {
                        href: "/staff",
                        label: "Home",
                    });
                }
                if Recruiting::allows(account) {
                    nav.push(NavLink {
                        href: "/staff/problems",
                        label: "Problems",
                    });
                    nav.push(NavLink {
                        href: "/staff/interviewers",
                        label: "Interviewers",
                    });
                }
                if account.has(Role::Interviewer) {
                    nav.push(NavLink {
                        href: "/interviewer/interviews",
                        label: "My interviews",
                    });
                    nav.push(NavLink {
                        href: "/interviewer/profile",
                        label: "My interviewer profile",
                    });
                }
                if account.has(Role::Administrator) {
                    nav.push(NavLink {
                        href: "/admin",
                        label: "Administration",
                    });
                }
                nav.push(NavLink {
                    href: "/account",
                    label: "Account",
                });
            }
        }
        Layout {
            title: title.into(),
            user_name: account.map(|a| a.user.display_name.clone()),
            csrf: csrf.0.clone(),
            nav,
            flash: None,
            unconfirmed_email: account
                .filter(|a| !a.email_confirmed())
                .map(|a| a.user.email.clone()),
        }
    }

    /// A frame for error pages, which may be rendered without a request at hand: the frame an
    /// anonymous visitor sees (`error_pages_keep_the_account` puts a signed-in one back).
    pub fn anonymous(title: impl Into<String>) -> Layout {
        Layout::for_account(title, None, &Csrf(String::new()))
    }

    pub fn with_flash(mut self, flash: Option<String>) -> Layout {
        self.flash = flash.filter(|f| !f.is_empty());
        self
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub message: String,
}

/// Formats a Unix time in `zone` for people: "15 Jan 2027, 09:00 PST".
pub fn time_in(seconds: i64, zone: Tz) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|time| cohort_domain::season::format_in_zone(time, zone))
        .unwrap_or_default()
}

/// The same instant as RFC 3339, for `<time datetime>` attributes that a script localises.
pub fn iso(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// A moment for people, in UTC: "15 January 2027, 17:00 UTC".
pub fn when_utc(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|time| time.format("%-d %B %Y, %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// A date for tables: "2027-01-15".
pub fn day(seconds: impl std::borrow::Borrow<i64>) -> String {
    chrono::DateTime::from_timestamp(*seconds.borrow(), 0)
        .map(|time| time.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A file size for people: "820 bytes", "12.5 KB", "1.2 MB".
pub fn file_size(bytes: impl std::borrow::Borrow<i64>) -> String {
    let bytes = *bytes.borrow();
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Renders Markdown to HTML and removes anything unsafe (scripts, event handlers, `javascript:` links).
/// HTML made from text someone wrote (an offer letter's template), cleaned as every page's
/// Markdown is: no script, no `javascript:` link, no event handler.
pub fn clean_html(html: &str) -> String {
    ammonia::clean(html)
}

pub fn markdown(source: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(
        source,
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
    );
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

/// Renders a problem statement: Markdown whose `$…$` and `$$…$$` formulas become MathML Core,
/// which every current browser renders without a script. The Markdown is cleaned like any other
/// (`markdown`); the formulas, generated here and not taken from the author, are put in after.
/// A formula the converter does not understand is shown as its LaTeX source.
pub fn statement(source: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
    // The markers below must come only from formulas: an author's own are dropped.
    let source: String = source
        .chars()
        .filter(|c| *c != '\u{E000}' && *c != '\u{E001}')
        .collect();
    let mut formulas: Vec<String> = Vec::new();
    let events: Vec<Event> = Parser::new_ext(&source, options)
        .map(|event| match event {
            Event::InlineMath(tex) => {
                formulas.push(formula(&tex, false));
                Event::Text(formula_marker(formulas.len() - 1).into())
            }
            Event::DisplayMath(tex) => {
                formulas.push(formula(&tex, true));
                Event::Text(formula_marker(formulas.len() - 1).into())
            }
            other => other,
        })
        .collect();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let mut cleaned = ammonia::clean(&html);
    for (index, mathml) in formulas.iter().enumerate() {
        cleaned = cleaned.replacen(&formula_marker(index), mathml, 1);
    }
    cleaned
}

/// A stand-in for a formula while the HTML is cleaned: characters from Unicode's private use
/// area, which no statement needs and the cleaner leaves alone.
fn formula_marker(index: usize) -> String {
    format!("\u{E000}{index}\u{E001}")
}

/// One formula as MathML Core, or its source in a `<code>` when it cannot be converted.
fn formula(tex: &str, block: bool) -> String {
    use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
    static CONVERTER: std::sync::LazyLock<Option<LatexToMathML>> =
        std::sync::LazyLock::new(|| LatexToMathML::new(MathCoreConfig::default()).ok());
    let display = if block {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    match CONVERTER
        .as_ref()
        .and_then(|converter| converter.convert_with_local_state(tex, display).ok())
    {
        Some(converted) => converted.mathml,
        None => format!("<code class=\"tex\">{}</code>", ammonia::clean_text(tex)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_formatting_and_drops_scripts() {
        let html = markdown("**Build** things <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>Build</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn a_statements_formulas_become_mathml_and_no_latex_is_left() {
        let html = statement(
            "Each $s_i \\ge a_i$, and the total is\n\n$$\\sum_{i=1}^{n} (s_i - a_i)$$\n\nwith $1 \\le n \\le 200\\,000$.",
        );
        assert_eq!(html.matches("<math").count(), 3, "{html}");
        assert!(html.contains("display=\"block\""), "{html}");
        assert!(
            html.contains("<msub>") && html.contains("<munderover>") || html.contains("<msubsup>"),
            "{html}"
        );
        assert!(
            !html.contains('$') && !html.contains("\\ge") && !html.contains("\\sum"),
            "{html}"
        );
    }

    #[test]
    fn a_formula_cannot_smuggle_markup_and_an_unknown_one_is_shown_as_source() {
        let html = statement("$\\text{<script>alert(1)</script>}$ and $\\unknowncommand{x}$ and <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(
            html.contains("<code class=\"tex\">\\unknowncommand{x}</code>"),
            "{html}"
        );
    }

    #[test]
    fn dollar_signs_in_other_markdown_stay_text() {
        let html = markdown("Pay is $5,000 a month and $300 for housing.");
        assert!(html.contains("$5,000") && html.contains("$300"));
    }
}
