//! The schema integrity audit: every declared `has_one` checked against the live schema.
