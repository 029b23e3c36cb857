/// The expected `als train --help` at 100 columns (see HelpTests). After a deliberate change,
/// regenerate it with `COLUMNS=100 .build/debug/als train --help` and review the diff.
let trainHelpGolden = #"""
OVERVIEW: Train an ALS model on an interactions file and save it.

Prints one progress line per iteration (loss, seconds) on standard error. With --format json,
standard output is one JSON object instead of the closing line: the configuration, each iteration's
loss and seconds, the matrix's rows, columns and non-zeros, the seconds taken and the output path.
--report FILE writes that object to FILE.

Without hyperparameter flags, every value is the library's recommended one for the mode; --config
starts from a configuration written by 'als tune --save-best', and flags given as well override it.

Examples:
  als train ratings.tsv --mode explicit --output m.als
  als train plays.csv --alpha 10 --regularization 2 --solver cg --output m.als
  als train train.tsv --config best.json --output m.als

USAGE: als train [<options>] <file> --output <output>

ARGUMENTS:
  <file>                  The interactions file (u.data, ratings.csv, ratings.dat, TSV/CSV,
                          adjacency list, .mtx or a cache).

OPTIONS:
  --input-format <format> Input format; detected from the content when omitted. (values:
                          movielens-100k, movielens-dat, csv, delimited, adjacency, mtx, cache)
  --delimiter <separator> Field separator of delimited text: a literal (',', '::', '|'), '\t', or
                          tab, comma, semicolon, space, whitespace.
  --user-column <column>  User column: a 1-based position or a header name.
  --item-column <column>  Item column: a 1-based position or a header name.
  --value-column <column> Value column: a 1-based position, a header name, or 'none' to give every
                          interaction value 1.
  --timestamp-column <column>
                          Timestamp column: a 1-based position, a header name, or 'none' to ignore
                          timestamps.
  --header <header>       Whether the first line names the columns: yes, no or auto. (values: auto,
                          yes, no; default: auto)
  --user-ids <kind>       Kind of user ids: auto, integer (ascending numeric order) or text (order
                          of first appearance). (values: auto, integer, text; default: auto)
  --item-ids <kind>       Kind of item ids: auto, integer (ascending numeric order) or text (order
                          of first appearance). (values: auto, integer, text; default: auto)
  --allow-negative        Accept negative values (rejected by default as a likely shifted column).
  --duplicates <duplicates>
                          What to do when a (user, item) pair repeats: sum, last, max or error.
                          (values: sum, last, max, error; default: sum)
  --skip-invalid          Skip malformed lines and report them by reason, instead of stopping at
                          the first one.
  --quiet                 Print no progress while loading.
  --load-threads <n>      Threads for loading (default: every core).
  --mode <mode>           ALS variant: explicit (observed ratings only), dense (missing cells are
                          zeros), weighted (WALS) or implicit (Hu–Koren–Volinsky). Default:
                          implicit. (values: explicit, dense, weighted, implicit)
  --config <file.json>    Start from a configuration saved by 'als tune --save-best'; flags given
                          as well override it.
  --factors <factors>     Number of latent factors k (default 64).
  --regularization <regularization>
                          Regularisation λ (default 1.0 in implicit mode, 0.1 otherwise,
                          frequency-scaled: λ·n for a row with n observations).
  --iterations <iterations>
                          Number of iterations (a user half-step and an item half-step each;
                          default 15).
  --solver <solver>       Linear solver: cholesky (exact), cg (warm-started conjugate gradient) or
                          subspace (iALS++ block coordinate descent, for hundreds to thousands of
                          factors). Default: cholesky below 64 factors, cg from 64. (values:
                          cholesky, cg, subspace)
  --cg-steps <cg-steps>   Conjugate-gradient steps per row and half-step (with --solver cg, the
                          default from 64 factors; default 3).
  --block-size <block-size>
                          Dimensions per block of the subspace solver (with --solver subspace;
                          default 128; a block of at least --factors is the exact solve).
  --sweeps <sweeps>       Passes over all blocks per row and half-step (with --solver subspace;
                          default 1).
  --subspace-schedule <subspace-schedule>
                          Order of the subspace solver's blocks in an iteration: rows (each row
                          sweeps all its blocks, users then items; the default) or interleaved
                          (iALS++'s epoch: block by block, the users' block then the items'). With
                          --solver subspace. (values: rows, interleaved)
  --alpha <alpha>         Implicit mode: α of the confidence (default 10.0).
  --confidence <confidence>
                          Implicit mode: confidence of a value r: linear (1 + α·r), scaled (α·r, as
                          the implicit library) or log (1 + α·log(1 + r/ε); the default). (values:
                          linear, scaled, log)
  --confidence-epsilon <confidence-epsilon>
                          Implicit mode with --confidence log: ε (default 1.0).
  --biases/--no-biases    Explicit mode: learn user and item biases and subtract the global mean
                          (the default in explicit mode; --no-biases turns both off).
  --global-mean/--no-global-mean
                          Explicit mode: subtract the global mean of the ratings (on with --biases).
  --bias-regularization <bias-regularization>
                          Explicit mode with biases: λ of the biases (default: --regularization).
  --wals-weighting <wals-weighting>
                          Weighted mode: item weight w0 + wk/c_n (linear, the default) or w0 +
                          c_n^-e (exponential) of the item's count c_n. (values: linear,
                          exponential)
  --wals-w0 <wals-w0>     Weighted mode: w0 (default 1).
  --wals-wk <wals-wk>     Weighted mode, linear weighting: wk (default 0).
  --wals-exponent <wals-exponent>
                          Weighted mode, exponential weighting: e (default 0.5).
  --missing-weight-exponent <missing-weight-exponent>
                          Implicit mode: β of popularity-weighted missing data, w_i ∝ count_i^β
                          (default 0: uniform).
  --missing-weight-total <missing-weight-total>
                          Implicit mode with β ≠ 0: the total missing weight Σ w_i (default: the
                          number of items).
  --regularization-exponent <regularization-exponent>
                          Frequency-scaled regularisation λ·(n + α₀·N)^ν: ν (default 1.0: Spark's
                          λ·n; 0 = plain λ).
  --regularization-alpha0 <regularization-alpha0>
                          Frequency-scaled regularisation: α₀ (default 0.0).
  --threads <threads>     Worker threads (0 = every core; the default).
  --seed <seed>           Seed of the factor initialisation; a seed gives the same model whatever
                          --threads (default 42).
  --early-stop <early-stop>
                          Stop when the relative loss change falls below this (default: run every
                          iteration).
  -o, --output <output>   Where to write the model.
  --export-npz <file>     Also write the factors as an .npz that Python implicit's `load` accepts.
  --loss/--no-loss        Compute the loss after every iteration (--no-loss skips it, as implicit's
                          calculate_training_loss=False; progress then shows no loss). (default:
                          --loss)
  --seen/--no-seen        Keep the training interactions in the model, so that 'als recommend'
                          leaves each user's seen items out (--no-seen saves 4 bytes per
                          interaction; recommend then needs --exclude-seen DATA or --include-seen).
                          (default: --seen)
  --format <format>       What to print on standard output when done: text (one line) or json (one
                          object: configuration, per-iteration loss and seconds, final figures).
                          (values: text, json; default: text)
  --report <file.json>    Also write the JSON report to this file.
  --version               Show the version.
  -h, --help              Show help information.

"""#
