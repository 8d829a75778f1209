;;; sigmoid — squash any real number into (0, 1).

;;> σ(z) = 1 / (1 + e^−z), exactly as the seed writes it.
;;> (sigmoid 0.0) ⇒ 0.5
;;> For z < −709.78 the e^−z overflows: Guile gives +inf.0, so σ = 0.0.
(define (sigmoid z)
  (/ 1 (+ 1 (exp (- z)))))

;;> σ(z) that never overflows: for z < 0 it uses e^z / (1 + e^z).
;;> (stable-sigmoid -1000.0) ⇒ 0.0
(define (stable-sigmoid z)
  (if (< z 0)
      (let ((e (exp z)))
        (/ e (+ 1 e)))
      (sigmoid z)))
