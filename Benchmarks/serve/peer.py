"""The server a Python team would write: FastAPI + uvicorn + implicit 0.7.3, on the factors of our
.npz export (`als train --export-npz`), the same two routes as als-serve:

    GET  /v1/users/{id}/recommendations?k=10     training items left out
    POST /v1/recommendations                      fold-in (implicit's recalculate_user)

Started by Benchmarks/serve/run.sh as
    PEER_NPZ=model.npz PEER_RATINGS=ratings.csv uvicorn peer:app --port 18091 --workers 1
Not a test and not part of the library; the virtualenv lives outside the repository.
"""
import os

import numpy as np
import scipy.sparse as sp
from fastapi import FastAPI, HTTPException
from implicit.cpu.als import AlternatingLeastSquares
from pydantic import BaseModel

model = AlternatingLeastSquares.load(os.environ["PEER_NPZ"])
user_ids = [str(u) for u in np.load(os.environ["PEER_NPZ"])["user_ids"]]
item_ids = [str(i) for i in np.load(os.environ["PEER_NPZ"])["item_ids"]]
user_index = {u: j for j, u in enumerate(user_ids)}
item_index = {i: j for j, i in enumerate(item_ids)}

# The training items, to leave out as als-serve does with the seen items kept in the model file.
# The synthetic ids are integers, so a lookup array maps them to rows and columns.
ratings = np.loadtxt(os.environ["PEER_RATINGS"], delimiter=",", skiprows=1, usecols=(0, 1, 2))


def _positions(ids):
    ids = np.array(ids, dtype=np.int64)
    table = np.full(ids.max() + 1, -1, dtype=np.int64)
    table[ids] = np.arange(len(ids))
    return table


rows = _positions(user_ids)[ratings[:, 0].astype(np.int64)]
cols = _positions(item_ids)[ratings[:, 1].astype(np.int64)]
user_items = sp.csr_matrix((ratings[:, 2].astype(np.float32), (rows, cols)), shape=(len(user_ids), len(item_ids)))
del ratings, rows, cols

app = FastAPI()


class Interaction(BaseModel):
    item: str
    value: float


class FoldIn(BaseModel):
    interactions: list[Interaction]
    k: int = 10


def _items(ids, scores):
    return {"items": [{"id": item_ids[i], "score": float(s)} for i, s in zip(ids, scores)]}


@app.get("/v1/users/{user}/recommendations")
def recommend(user: str, k: int = 10):
    if user not in user_index:
        raise HTTPException(404, "unknown user")
    u = user_index[user]
    ids, scores = model.recommend(u, user_items[u], N=k, filter_already_liked_items=True)
    return _items(ids, scores)


@app.post("/v1/recommendations")
def fold_in(body: FoldIn):
    try:
        cols = [item_index[x.item] for x in body.interactions]
    except KeyError:
        raise HTTPException(404, "unknown item")
    row = sp.csr_matrix((np.array([x.value for x in body.interactions], dtype=np.float32),
                         (np.zeros(len(cols), dtype=np.int32), np.array(cols))), shape=(1, len(item_ids)))
    ids, scores = model.recommend(0, row, N=body.k, recalculate_user=True, filter_already_liked_items=True)
    return _items(ids, scores)
