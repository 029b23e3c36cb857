#!/usr/bin/env bash
# Writes the seed corpora of the libFuzzer harnesses to Fuzz/Corpus/<harness>/: a few small
# inputs per reader, made here (never copied from the licensed data sets). The binary seeds
# (cache, model, npz) are written by the als binary from the text seeds. Re-run after a file
# format changes:  bash scripts/make_fuzz_seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
C=Fuzz/Corpus
rm -rf "$C"
mkdir -p "$C"/{delimited,movielens,dat,csv,adjacency,mtx,split,lightgcn,cache,model,npz}
printf '1\t10\t5\t881250949\n2\t10\t3\t891717742\n2\t11\t4\t878887116\n3\t12\t1\t880606923\n' > "$C/movielens/u.data"
printf '1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n' > "$C/dat/ratings.dat"
printf 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n2,1,2.5,964982224\n' > "$C/csv/ratings.csv"
printf 'user,item,rating\nalice,apple,1\nbob,apple,2\nalice,pear,3\n' > "$C/csv/text-ids.csv"
printf '1\t10\t5\n2\t10\t3\n2\t11\t4\n' > "$C/delimited/triples.tsv"
printf 'u;i;v\na;x;1\nb;y;2.5\na;y;-1\n' > "$C/delimited/semicolons.txt"
printf '1 10 2\n2 10 1\n' > "$C/delimited/spaces.txt"
printf '0 1 2 3\n1 2\n2\n3 0 1\n' > "$C/adjacency/lists.txt"
printf '%%%%MatrixMarket matrix coordinate real general\n%% comment\n3 4 3\n1 1 1.5\n2 3 2\n3 4 -1\n' > "$C/mtx/small.mtx"
printf '%%%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n' > "$C/mtx/pattern.mtx"
printf '1\t10\t5\n2\t10\t3\n2\t11\t4\n' > "$C/split/train.tsv"
printf '1\t10\t5\t100\n2\t11\t3.5\t200\n' > "$C/split/timestamps.tsv"
printf '0 1 2\n1 2 3\n2\n' > "$C/lightgcn/train.txt"
ALS="$(swift build --show-bin-path)/als"
[ -x "$ALS" ] || swift build --product als
"$ALS" convert "$C/movielens/u.data" --to cache "$C/cache/u.cache" --quiet > /dev/null
"$ALS" convert "$C/csv/text-ids.csv" --to cache "$C/cache/text.cache" --quiet > /dev/null
"$ALS" train "$C/movielens/u.data" --mode explicit --biases --factors 2 --iterations 1 --quiet \
    --output "$C/model/m.als" --export-npz "$C/npz/m.npz" > /dev/null
"$ALS" train "$C/csv/text-ids.csv" --mode implicit --factors 2 --iterations 1 --quiet \
    --output "$C/model/text.als" > /dev/null
du -sh "$C"
