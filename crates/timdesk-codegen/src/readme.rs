//! The README's generated table: "What the emulator assumes", rendered from the
//! emulator's list (`timdesk_emulator::assumptions`) between its markers.

use crate::Inputs;

/// `README.md` with its assumptions table rendered afresh.
pub fn render(inputs: &Inputs<'_>) -> Result<String, String> {
    crate::splice(
        "README.md",
        &inputs.current("README.md"),
        "<!-- assumptions:begin -->\n",
        "<!-- assumptions:end -->",
        &timdesk_emulator::assumptions::markdown_table(),
    )
}
