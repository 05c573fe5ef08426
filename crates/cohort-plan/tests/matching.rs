//! The matching engine against exhaustive search, its scoring model, the stable mode, and bad
//! input.

use cohort_plan::matching::{solve_optimal, solve_stable, Instance};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};

/// The best (matched, total score) over every assignment, by brute force.
fn brute_force(instance: &Instance) -> (usize, i64) {
    fn go(
        instance: &Instance,
        intern: usize,
        load: &mut Vec<u32>,
        matched: usize,
        score: i64,
        best: &mut (usize, i64),
    ) {
        if intern == instance.interns.len() {
            if (matched, score) > *best {
                *best = (matched, score);
            }
            return;
        }
        go(instance, intern + 1, load, matched, score, best);
        for pair in &instance.pairs[intern] {
            let m = pair.mentor as usize;
            if load[m] < instance.capacity[m] {
                load[m] += 1;
                go(
                    instance,
                    intern + 1,
                    load,
                    matched + 1,
                    score + pair.score,
                    best,
                );
                load[m] -= 1;
            }
        }
    }
    let mut best = (0, i64::MIN);
    go(
        instance,
        0,
        &mut vec![0; instance.mentors.len()],
        0,
        0,
        &mut best,
    );
    best
}

fn random_instance(rng: &mut StdRng) -> Value {
    let interns = rng.gen_range(1..=7);
    let mentors = rng.gen_range(1..=4);
    let mut scores = Vec::new();
    let mut forbidden = Vec::new();
    for i in 0..interns {
        for m in 0..mentors {
            if rng.gen_bool(0.6) {
                scores.push(json!({"intern": format!("n{i}"), "mentor": format!("m{m}"), "score": rng.gen_range(-5..30)}));
            } else if rng.gen_bool(0.2) {
                forbidden.push(json!([format!("n{i}"), format!("m{m}")]));
            }
        }
    }
    json!({
        "interns": (0..interns).map(|i| json!({"id": format!("n{i}")})).collect::<Vec<_>>(),
        "mentors": (0..mentors).map(|m| json!({"id": format!("m{m}"), "capacity": rng.gen_range(1..=2)})).collect::<Vec<_>>(),
        "scores": scores,
        "forbidden": forbidden,
    })
}

#[test]
fn the_optimal_mode_reaches_the_exhaustive_optimum_and_proves_it() {
    let mut rng = StdRng::seed_from_u64(7);
    for round in 0..400 {
        let text = random_instance(&mut rng).to_string();
        let instance = Instance::from_json(&text).unwrap();
        let outcome = solve_optimal(&instance);
        let best = brute_force(&instance);
        let best = if best.0 == 0 { (0, 0) } else { best };
        assert_eq!(
            (outcome.matches.len(), outcome.total_score),
            best,
            "round {round}: {text}"
        );
        assert!(outcome.optimal, "round {round}: not proven: {text}");
        let bound = outcome.bound.unwrap();
        assert_eq!((bound.matched, bound.total_score), best, "round {round}");
    }
}

#[test]
fn the_optimal_mode_proves_optimality_on_computed_scores() {
    let mut rng = StdRng::seed_from_u64(11);
    let teams = ["Lambda", "S3", "EC2"];
    let skills = ["rust", "go", "java", "python", "distributed systems", "ml"];
    let zones = [
        "America/Los_Angeles",
        "America/New_York",
        "Europe/Dublin",
        "Asia/Tokyo",
    ];
    let pick = |rng: &mut StdRng| -> Vec<&str> {
        skills
            .iter()
            .copied()
            .filter(|_| rng.gen_bool(0.4))
            .collect()
    };
    for _ in 0..100 {
        let interns: Vec<Value> = (0..rng.gen_range(1..=6))
            .map(|i| {
                json!({
            "id": format!("n{i}"), "team": teams[rng.gen_range(0..3)], "skills": pick(&mut rng),
            "goals": pick(&mut rng), "time_zone": zones[rng.gen_range(0..4)]})
            })
            .collect();
        let mentors: Vec<Value> = (0..rng.gen_range(1..=4))
            .map(|m| {
                json!({
            "id": format!("m{m}"), "team": teams[rng.gen_range(0..3)], "skills": pick(&mut rng),
            "time_zone": zones[rng.gen_range(0..4)], "capacity": rng.gen_range(1..=2)})
            })
            .collect();
        let text = json!({"interns": interns, "mentors": mentors}).to_string();
        let instance = Instance::from_json(&text).unwrap();
        let outcome = solve_optimal(&instance);
        assert_eq!(
            (outcome.matches.len(), outcome.total_score),
            brute_force(&instance),
            "{text}"
        );
        assert!(outcome.optimal);
    }
}

#[test]
fn matching_more_interns_comes_before_a_higher_score() {
    let text = json!({
        "interns": [{"id": "a"}, {"id": "b"}],
        "mentors": [{"id": "m1"}, {"id": "m2"}],
        "scores": [{"intern": "a", "mentor": "m1", "score": 100},
                   {"intern": "a", "mentor": "m2", "score": 1},
                   {"intern": "b", "mentor": "m1", "score": 1}]
    });
    let outcome = solve_optimal(&Instance::from_json(&text.to_string()).unwrap());
    let pairs: Vec<_> = outcome
        .matches
        .iter()
        .map(|m| (m.intern.as_str(), m.mentor.as_str()))
        .collect();
    assert_eq!(pairs, vec![("a", "m2"), ("b", "m1")]);
    assert_eq!(outcome.total_score, 2);
}

#[test]
fn a_forbidden_pair_is_never_matched_and_an_unscored_pair_cannot_be() {
    let text = json!({
        "interns": [{"id": "n1"}, {"id": "n2"}, {"id": "n3"}],
        "mentors": [{"id": "m1", "capacity": 2}],
        "scores": [{"intern": "n1", "mentor": "m1", "score": 90},
                   {"intern": "n2", "mentor": "m1", "score": 10}],
        "forbidden": [["n1", "m1"]]
    });
    let outcome = solve_optimal(&Instance::from_json(&text.to_string()).unwrap());
    assert_eq!(outcome.matches.len(), 1);
    assert_eq!(outcome.matches[0].intern, "n2");
    let reasons: Vec<_> = outcome
        .unmatched
        .iter()
        .map(|u| (u.intern.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("n1", "every scored mentor is forbidden"),
            ("n3", "no mentor was scored for this intern"),
        ]
    );
}

#[test]
fn an_intern_left_out_by_capacity_is_told_why() {
    let text = json!({
        "interns": [{"id": "n1"}, {"id": "n2"}],
        "mentors": [{"id": "m1"}],
        "scores": [{"intern": "n1", "mentor": "m1", "score": 5},
                   {"intern": "n2", "mentor": "m1", "score": 9}]
    });
    let outcome = solve_optimal(&Instance::from_json(&text.to_string()).unwrap());
    assert_eq!(outcome.matches[0].intern, "n2");
    assert_eq!(outcome.unmatched[0].intern, "n1");
    assert!(
        outcome.unmatched[0]
            .reason
            .starts_with("every scored mentor is full (1 mentor, 1 seat in all)"),
        "{}",
        outcome.unmatched[0].reason
    );
}

#[test]
fn the_issue_example_matches_with_reasons_from_the_scoring_model() {
    let text = json!({
        "interns": [{"id": "n1", "team": "Lambda", "skills": ["rust"], "time_zone": "America/Los_Angeles",
                     "goals": ["distributed systems"]}],
        "mentors": [{"id": "m1", "team": "Lambda", "skills": ["rust", "go"], "time_zone": "America/New_York",
                     "capacity": 2}],
        "unknown_field": "is ignored"
    });
    let outcome = solve_optimal(&Instance::from_json(&text.to_string()).unwrap());
    let only = &outcome.matches[0];
    assert_eq!((only.intern.as_str(), only.mentor.as_str()), ("n1", "m1"));
    // 40 for the team, 15 for rust, minus 3 per hour for 3 hours.
    assert_eq!(only.score, 46);
    assert_eq!(
        only.reasons,
        vec!["same team", "shares rust", "3 hours apart"]
    );
    assert!(outcome.optimal);
}

#[test]
fn weights_in_the_input_change_the_scores() {
    let text = json!({
        "interns": [{"id": "n1", "team": "Lambda", "skills": ["rust"]}],
        "mentors": [{"id": "m1", "team": "Lambda", "skills": ["rust"]}],
        "weights": {"same_team": 100, "shared_skill": 1}
    });
    let outcome = solve_optimal(&Instance::from_json(&text.to_string()).unwrap());
    assert_eq!(outcome.total_score, 101);
}

#[test]
fn buddies_may_be_listed_under_their_own_name() {
    let text = json!({
        "interns": [{"id": "n1"}],
        "buddies": [{"id": "b1"}],
        "scores": [{"intern": "n1", "mentor": "b1", "score": 3}]
    });
    let outcome = solve_optimal(&Instance::from_json(&text.to_string()).unwrap());
    assert_eq!(outcome.matches[0].mentor, "b1");
}

fn stable_instance(rng: &mut StdRng) -> Value {
    let mut value = random_instance(rng);
    if rng.gen_bool(0.5) {
        // Explicit rankings for some people, in a random order of their scored partners.
        let interns = value["interns"].as_array().unwrap().len();
        let mentors = value["mentors"].as_array().unwrap().len();
        let mut intern_rankings = serde_json::Map::new();
        for i in 0..interns {
            if rng.gen_bool(0.5) {
                let mut list: Vec<String> = (0..mentors).map(|m| format!("m{m}")).collect();
                for k in (1..list.len()).rev() {
                    list.swap(k, rng.gen_range(0..=k));
                }
                intern_rankings.insert(format!("n{i}"), json!(list));
            }
        }
        value["rankings"] = json!({"interns": intern_rankings});
    }
    value
}

#[test]
fn the_stable_mode_leaves_no_blocking_pair() {
    use cohort_plan::matching::stable::{blocking_pair, solve, Preferences};
    let mut rng = StdRng::seed_from_u64(3);
    for _ in 0..400 {
        let text = stable_instance(&mut rng).to_string();
        let instance = Instance::from_json(&text).unwrap();
        let preferences = Preferences::from_instance(&instance);
        let result = solve(&preferences);
        assert_eq!(
            blocking_pair(&preferences, &result.assignment),
            None,
            "{text}"
        );
        assert_eq!(solve_stable(&instance).stable, Some(true));
    }
}

#[test]
fn the_stable_check_finds_a_blocking_pair_in_an_unstable_matching() {
    use cohort_plan::matching::stable::{blocking_pair, Preferences};
    // Both like each other best, but n1 is given m2.
    let text = json!({
        "interns": [{"id": "n1"}, {"id": "n2"}],
        "mentors": [{"id": "m1"}, {"id": "m2"}],
        "scores": [{"intern": "n1", "mentor": "m1", "score": 9}, {"intern": "n1", "mentor": "m2", "score": 1},
                   {"intern": "n2", "mentor": "m1", "score": 1}, {"intern": "n2", "mentor": "m2", "score": 9}]
    });
    let instance = Instance::from_json(&text.to_string()).unwrap();
    let preferences = Preferences::from_instance(&instance);
    assert_eq!(
        blocking_pair(&preferences, &[Some(1), Some(0)]),
        Some((0, 0))
    );
    assert_eq!(blocking_pair(&preferences, &[Some(0), Some(1)]), None);
}

#[test]
fn the_stable_mode_gives_interns_their_best_stable_partner() {
    // Interns prefer m1; m1 prefers n2, so n2 gets m1 and n1 the other mentor.
    let text = json!({
        "interns": [{"id": "n1"}, {"id": "n2"}],
        "mentors": [{"id": "m1"}, {"id": "m2"}],
        "scores": [{"intern": "n1", "mentor": "m1", "score": 5}, {"intern": "n1", "mentor": "m2", "score": 4},
                   {"intern": "n2", "mentor": "m1", "score": 5}, {"intern": "n2", "mentor": "m2", "score": 4}],
        "rankings": {"interns": {"n1": ["m1", "m2"], "n2": ["m1", "m2"]}, "mentors": {"m1": ["n2", "n1"]}}
    });
    let outcome = solve_stable(&Instance::from_json(&text.to_string()).unwrap());
    let pairs: Vec<_> = outcome
        .matches
        .iter()
        .map(|m| (m.intern.as_str(), m.mentor.as_str()))
        .collect();
    assert_eq!(pairs, vec![("n1", "m2"), ("n2", "m1")]);
    assert!(!outcome.optimal);
}

fn refusal(value: Value) -> (String, String) {
    let error = Instance::from_json(&value.to_string()).unwrap_err();
    (error.path, error.message)
}

#[test]
fn bad_input_is_refused_with_the_path_of_the_field() {
    let cases = [
        (
            json!({"interns": [{"id": "a"}, {"id": "a"}]}),
            "interns[1].id",
            "already the id of interns[0]",
        ),
        (
            json!({"interns": [{"id": ""}]}),
            "interns[0].id",
            "must not be empty",
        ),
        (
            json!({"mentors": [{"id": "m", "capacity": 0}]}),
            "mentors[0].capacity",
            "between 1 and 1000",
        ),
        (
            json!({"mentors": [{"id": "m", "capacity": "two"}]}),
            "mentors[0].capacity",
            "invalid type",
        ),
        (
            json!({"interns": [{"id": "a", "time_zone": "Mars/Olympus"}]}),
            "interns[0].time_zone",
            "IANA time zone",
        ),
        (
            json!({"interns": [{"id": "a"}], "mentors": [{"id": "m"}],
                "scores": [{"intern": "b", "mentor": "m", "score": 1}]}),
            "scores[0].intern",
            "no intern has the id \"b\"",
        ),
        (
            json!({"interns": [{"id": "a"}], "mentors": [{"id": "m"}],
                "scores": [{"intern": "a", "mentor": "m", "score": 1}, {"intern": "a", "mentor": "m", "score": 2}]}),
            "scores[1]",
            "scored twice",
        ),
        (
            json!({"interns": [{"id": "a"}], "mentors": [{"id": "m"}],
                "scores": [{"intern": "a", "mentor": "m", "score": 5000000}]}),
            "scores[0].score",
            "between",
        ),
        (
            json!({"interns": [{"id": "a"}], "mentors": [{"id": "m"}], "forbidden": [["a", "x"]]}),
            "forbidden[0][1]",
            "no mentor has the id \"x\"",
        ),
        (
            json!({"weights": {"same_team": -1}}),
            "weights.same_team",
            "between 0 and 1000",
        ),
        (
            json!({"weights": {"same_teem": 1}}),
            "weights.same_teem",
            "unknown field",
        ),
        (
            json!({"reference_date": "June"}),
            "reference_date",
            "not a date",
        ),
        (
            json!({"interns": [{"id": "a"}], "rankings": {"interns": {"a": ["zz"]}}}),
            "rankings.interns.a[0]",
            "no mentor has the id",
        ),
        (
            json!({"interns": [{"id": "a"}], "mentors": [{"id": "m"}], "rankings": {"mentors": {"m": ["a", "a"]}}}),
            "rankings.mentors.m[1]",
            "ranked twice",
        ),
        (json!({"interns": {"id": "a"}}), "interns", "invalid type"),
    ];
    for (input, path, words) in cases {
        let (found_path, message) = refusal(input.clone());
        assert_eq!(found_path, path, "{input}: {message}");
        assert!(message.contains(words), "{input}: {message}");
    }
}

#[test]
fn input_that_is_not_json_is_refused_with_the_position() {
    let error = Instance::from_json("{\"interns\": [").unwrap_err();
    assert!(error.message.contains("line 1"), "{}", error.message);
}
