/* Placeholder: implemented by its own issue's work. */
