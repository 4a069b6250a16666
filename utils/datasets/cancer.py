"""The breast-cancer screening data of chapter 01 (bundled with scikit-learn; nothing is downloaded)."""
from __future__ import annotations

import pandas as pd
from sklearn.datasets import load_breast_cancer

__all__ = ["load_cancer_screening"]


def load_cancer_screening() -> tuple[pd.DataFrame, pd.Series]:
    """The Wisconsin breast-cancer data, relabelled so that 1 = malignant (the positive class).

    scikit-learn's copy codes 0 = malignant and 1 = benign; a screening model looks for the
    disease, so the label is flipped. 569 biopsies, 30 numeric features of the cell nuclei
    (means, standard errors and worst values of radius, texture, perimeter, ...), 212 malignant.

    Returns
    -------
    X : pandas.DataFrame of shape (569, 30)
    y : pandas.Series of shape (569,)
        Named ``"malignant"``, 1 for malignant and 0 for benign.
    """
    data = load_breast_cancer(as_frame=True)
    y = (1 - data.target).rename("malignant").astype(int)
    return data.data.copy(), y
