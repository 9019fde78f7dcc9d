//! Integration tests of binhyen-media, in one test binary (one link on a 2-core machine) sharing fixtures.

mod fixtures;
mod images;
mod sniff;
mod store;
mod video;
