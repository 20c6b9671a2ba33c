//! What frames every screen: the app and its screens, the header and its menu, the theme, the keyboard
//! shortcuts and help sheet, and the panic screen.

pub mod app;
pub mod header;
pub mod menu;
pub mod panic_screen;
pub mod shortcuts;
pub mod theme;
