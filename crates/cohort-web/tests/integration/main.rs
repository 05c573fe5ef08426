//! Integration tests: the real server on SQLite and on PostgreSQL, through HTTP.

mod helpers;

mod accounts;
mod api;
mod applications;
mod authorization;
mod calendar;
mod calendar_subscriptions;
mod case_studies;
mod confirmation;
mod feedback;
mod final_loops;
mod hardening;
mod interviews;
mod jobs;
mod mail;
mod offers;
mod onboarding;
mod pad_nodes;
mod pads;
mod phone_screens;
mod pipeline;
mod problems;
mod public_pages;
mod rate_limits;
mod sessions;
