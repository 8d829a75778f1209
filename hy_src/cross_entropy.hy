;;; cross-entropy — how wrong a predicted probability p is for a label y.

(import math)

(defn cross-entropy [y p]
  "L = −[y log p + (1 − y) log(1 − p)], exactly as the seed writes it.
  (cross-entropy 1 0.9) ; => 0.10536051565782628"
  (- (+ (* y (math.log p))
        (* (- 1 y) (math.log (- 1 p))))))

(defn log1p [x]
  "log(1 + x), accurate when x is tiny: log u corrected by u = 1 + x's rounding.
  Not math.log1p: Scheme has none, and this one rounds the same in every language.
  (log1p 1e-20) ; => 1e-20"
  (setv u (+ 1 x))
  (if (= u 1)
      x
      (- (math.log u) (/ (- (- u 1) x) u))))

(defn cross-entropy-from-logit [y z]
  "L(y, σ(z)) from the logit z, finite for every finite z:
  (1 − y)·z + log(1 + e^−z) for z ≥ 0, −y·z + log(1 + e^z) for z < 0.
  (cross-entropy-from-logit 1 -1000.0) ; => 1000.0"
  (if (< z 0)
      (+ (- (* y z)) (log1p (math.exp z)))
      (+ (* (- 1 y) z) (log1p (math.exp (- z))))))
