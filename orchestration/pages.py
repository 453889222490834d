"""The HTML pages the warehouse writes (the performance report, each refresh's gate report): jinja2 templates in
`templates/`, autoescaped, so no text from the data can become markup."""

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).parent / "templates"


def render(template: str, **context) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    return environment.get_template(template).render(**context)
