fn main() {
    #[cfg(target_arch = "wasm32")]
    annotator::ui::start();
}
