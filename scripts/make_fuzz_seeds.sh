#!/usr/bin/env bash
# Writes the seed corpora of the libFuzzer harnesses to Fuzz/Corpus/<harness>/: a few small
# inputs per reader, made here with made-up ids, values and timestamps (never copied from the
# licensed data sets, and not named like their files). The binary seeds
# (cache, model, npz) are written by the als binary from the text seeds. Re-run after a file
# format changes:  bash scripts/make_fuzz_seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
C=Fuzz/Corpus
rm -rf "$C"
mkdir -p "$C"/{delimited,movielens,dat,csv,adjacency,mtx,split,lightgcn,cache,model,npz,foldin}
printf '7\t31\t4\t1000000101\n8\t31\t2\t1000000202\n8\t32\t5\t1000000303\n9\t33\t1\t1000000404\n' > "$C/movielens/seed.tsv"
printf '7::31::4::1000000101\n7::32::3::1000000202\n8::31::5::1000000303\n' > "$C/dat/seed.dat"
printf 'userId,movieId,rating,timestamp\n7,31,4.0,1000000101\n7,32,3.5,1000000202\n8,31,2.5,1000000303\n' > "$C/csv/seed.csv"
printf 'user,item,rating\nalice,apple,1\nbob,apple,2\nalice,pear,3\n' > "$C/csv/text-ids.csv"
printf '1\t10\t5\n2\t10\t3\n2\t11\t4\n' > "$C/delimited/triples.tsv"
printf 'u;i;v\na;x;1\nb;y;2.5\na;y;-1\n' > "$C/delimited/semicolons.txt"
printf '1 10 2\n2 10 1\n' > "$C/delimited/spaces.txt"
printf '0 1 2 3\n1 2\n2\n3 0 1\n' > "$C/adjacency/lists.txt"
printf '%%%%MatrixMarket matrix coordinate real general\n%% comment\n3 4 3\n1 1 1.5\n2 3 2\n3 4 -1\n' > "$C/mtx/small.mtx"
printf '%%%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n' > "$C/mtx/pattern.mtx"
printf '1\t10\t5\n2\t10\t3\n2\t11\t4\n' > "$C/split/train.tsv"
printf '1\t10\t5\t100\n2\t11\t3.5\t200\n' > "$C/split/timestamps.tsv"
printf '0 1 2\n1 2 3\n2\n' > "$C/lightgcn/seed.txt"
printf '# liked\r\nbanana\t2.5\r\n\r\ndate,1\r\n  elder  \r\n31\n' > "$C/foldin/liked.txt"
printf '7,4.5\n8\t-1\n9, 2e-3 \n' > "$C/foldin/values.txt"
ALS="$(swift build --show-bin-path)/als"
[ -x "$ALS" ] || swift build --product als
"$ALS" convert "$C/movielens/seed.tsv" --to cache "$C/cache/u.cache" --quiet > /dev/null
"$ALS" convert "$C/csv/text-ids.csv" --to cache "$C/cache/text.cache" --quiet > /dev/null
"$ALS" train "$C/movielens/seed.tsv" --mode explicit --biases --factors 2 --iterations 1 --quiet \
    --output "$C/model/m.als" --export-npz "$C/npz/m.npz" > /dev/null
"$ALS" train "$C/csv/text-ids.csv" --mode implicit --factors 2 --iterations 1 --quiet \
    --output "$C/model/text.als" > /dev/null
du -sh "$C"
