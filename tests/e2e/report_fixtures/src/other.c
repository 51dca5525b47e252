/* Look-alike sites for the gate-lock and try-lock fixtures (never compiled). */
