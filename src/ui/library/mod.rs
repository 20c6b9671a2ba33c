//! Keeping work: the Library screen, the saver and start-up (`persistence`), opening an article
//! (`load_article`) and the storage meter.

pub mod load_article;
pub mod persistence;
pub mod reader;
pub mod screen;
pub mod storage_meter;
pub mod writer;
