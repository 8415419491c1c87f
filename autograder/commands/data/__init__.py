"""``course data``: get, check and import the MNIST data, one module per sub-command."""

from autograder.commands.data import fetch, import_kaggle, make_sample, status

HELP = "get, check and import the MNIST data"
DESCRIPTION = (
    "The course's data: the embedded sample (default), the full 70,000 digits "
    "(`course data fetch`), or your own Kaggle download (`course data import`)."
)
#: The sub-commands, by name, in the order help lists them.
SUBCOMMANDS = {
    "fetch": fetch,
    "status": status,
    "import": import_kaggle,
    "make-sample": make_sample,
}
