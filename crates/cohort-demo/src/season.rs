//! The demo season's frame: its tracks, its locations with a pay band for every track, and an
//! opening for every track in every location.

use cohort_store::seasons::{NewOpening, PayBandRecord};
use cohort_store::{Store, StoreError, Tx};
use rand::rngs::StdRng;
use rand::Rng;

use crate::DAY;

/// A location with its pay level relative to Seattle and its currency.
struct Place {
    city: &'static str,
    country: &'static str,
    zone: &'static str,
    currency: &'static str,
    /// Monthly pay for Software Development, in whole currency units.
    base_pay: i64,
    housing: i64,
}

const PLACES: [Place; 8] = [
    Place {
        city: "Seattle",
        country: "United States",
        zone: "America/Los_Angeles",
        currency: "USD",
        base_pay: 9_500,
        housing: 2_500,
    },
    Place {
        city: "New York",
        country: "United States",
        zone: "America/New_York",
        currency: "USD",
        base_pay: 10_000,
        housing: 3_000,
    },
    Place {
        city: "Austin",
        country: "United States",
        zone: "America/Chicago",
        currency: "USD",
        base_pay: 8_500,
        housing: 1_800,
    },
    Place {
        city: "Arlington",
        country: "United States",
        zone: "America/New_York",
        currency: "USD",
        base_pay: 9_000,
        housing: 2_200,
    },
    Place {
        city: "Boston",
        country: "United States",
        zone: "America/New_York",
        currency: "USD",
        base_pay: 9_200,
        housing: 2_600,
    },
    Place {
        city: "Vancouver",
        country: "Canada",
        zone: "America/Vancouver",
        currency: "CAD",
        base_pay: 8_000,
        housing: 1_900,
    },
    Place {
        city: "London",
        country: "United Kingdom",
        zone: "Europe/London",
        currency: "GBP",
        base_pay: 3_600,
        housing: 1_200,
    },
    Place {
        city: "Dublin",
        country: "Ireland",
        zone: "Europe/Dublin",
        currency: "EUR",
        base_pay: 3_900,
        housing: 1_300,
    },
];

/// Per-track pay relative to Software Development (percent) and the job title.
const TRACK_DETAILS: [(&str, i64, &str); 5] = [
    (
        "Software Development",
        100,
        "Software Development Engineer Intern",
    ),
    ("Solutions Architecture", 90, "Solutions Architect Intern"),
    ("Data Science", 98, "Data Scientist Intern"),
    ("Product Management", 92, "Product Manager Intern"),
    (
        "Technical Program Management",
        88,
        "Technical Program Manager Intern",
    ),
];

/// An opening as created, and whether its window had opened at the time.
pub(crate) struct CreatedOpening {
    pub id: i64,
    pub open: bool,
}

/// Creates the season named `name` with its tracks, locations, pay bands and openings (track by
/// track, a location at a time); returns its id and its openings in that order.
pub(crate) async fn create_season(
    tx: &mut Tx,
    name: &str,
    rng: &mut StdRng,
    now: i64,
) -> Result<(i64, Vec<CreatedOpening>), StoreError> {
    let season_id = Store::create_season(tx, name, "2027-06-01", "2027-08-23", now).await?;
    let mut track_ids = Vec::new();
    for (track_name, _, _) in TRACK_DETAILS {
        track_ids.push(Store::create_track(tx, season_id, track_name).await?);
    }
    let mut location_ids = Vec::new();
    for place in &PLACES {
        location_ids.push(
            Store::create_location(tx, season_id, place.city, place.country, place.zone).await?,
        );
    }
    let mut openings = Vec::new();
    for (track_index, (track_name, percent, title)) in TRACK_DETAILS.iter().enumerate() {
        for (place_index, place) in PLACES.iter().enumerate() {
            let (track_id, location_id) = (track_ids[track_index], location_ids[place_index]);
            let monthly = place.base_pay * percent / 100;
            Store::set_pay_band(
                tx,
                &PayBandRecord {
                    track_id,
                    location_id,
                    monthly_pay_minor: monthly * 100,
                    // The band runs 10 % above its bottom, rounded to whole units.
                    monthly_pay_max_minor: monthly * 110,
                    housing_stipend_minor: place.housing * 100,
                    relocation_minor: 2_000 * 100,
                    sign_on_max_minor: 0,
                    currency: place.currency.into(),
                },
            )
            .await?;
            let (opens, closes) = opening_window(track_index + place_index, now);
            let description = opening_description(place, title, track_name);
            let new = NewOpening {
                season_id,
                track_id,
                location_id,
                title,
                headcount: rng.gen_range(2..=40),
                opens_at: opens,
                closes_at: closes,
                description_md: &description,
            };
            openings.push(CreatedOpening {
                id: Store::create_opening(tx, &new, now).await?,
                open: opens <= now,
            });
        }
    }
    Ok((season_id, openings))
}

/// When an opening takes applications, from its track's and location's positions (`spread`):
/// most windows are open now; a few close within the week, a few open next month.
fn opening_window(spread: usize, now: i64) -> (i64, i64) {
    match spread % 7 {
        0 => (now - 40 * DAY, now + 5 * DAY),
        1 => (now + 20 * DAY, now + 80 * DAY),
        _ => (now - 30 * DAY, now + 60 * DAY),
    }
}

/// The job description (Markdown) of the opening for `title` on the track `track_name` in `place`.
fn opening_description(place: &Place, title: &str, track_name: &str) -> String {
    format!(
        "## About the role\n\nJoin a team in **{city}** for twelve weeks as a {title}. You own a project with real customers, a mentor and a buddy, and present your results to leaders at the end of the summer.\n\n## What you will do\n\n- Work on a {track} project from design to launch\n- Take part in design reviews, code reviews and weekly check-ins\n- Present your work to your organisation in week 12\n\n## Basic qualifications\n\n- Enrolled in a Bachelor's or Master's program, graduating between December 2027 and September 2028\n- Experience with at least one modern programming language\n\n## Pay\n\nMonthly pay, a housing stipend and relocation support are listed on this page.",
        city = place.city,
        title = title,
        track = track_name.to_lowercase()
    )
}
