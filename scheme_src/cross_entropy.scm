;;; cross-entropy — how wrong a predicted probability p is for a label y.

;;> L = −[y log p + (1 − y) log(1 − p)], exactly as the seed writes it.
;;> (cross-entropy 1 0.9) ⇒ 0.10536051565782628
(define (cross-entropy y p)
  (- (+ (* y (log p))
        (* (- 1 y) (log (- 1 p))))))

;;> log(1 + x), accurate when x is tiny (R7RS has no log1p):
;;> log u corrected by the rounding error of u = 1 + x.
;;> (log1p 1e-20) ⇒ 1e-20
(define (log1p x)
  (let ((u (+ 1 x)))
    (if (= u 1)
        x
        (- (log u) (/ (- (- u 1) x) u)))))

;;> L(y, σ(z)) from the logit z, finite for every finite z:
;;> (1 − y)·z + log(1 + e^−z) for z ≥ 0, −y·z + log(1 + e^z) for z < 0.
;;> (cross-entropy-from-logit 1 -1000.0) ⇒ 1000.0
(define (cross-entropy-from-logit y z)
  (if (< z 0)
      (+ (- (* y z)) (log1p (exp z)))
      (+ (* (- 1 y) z) (log1p (exp (- z))))))
