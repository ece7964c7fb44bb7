"""People-centered indicators: the catalog (one declaration per indicator), the pure functions by topic
(frames in, frames out, margins of error carried), ``compute`` over a snapshot, and the text in words."""
