"""The ground every layer stands on: city configs, margins of error, geography, result frames, exports and
translations. Nothing here imports another part of the library."""
