;;; information — entropy and KL divergence, in nats: the expected surprise, and its excess.

(import math
        .cross-entropy [log1p]
        .surprise [surprise])

(defn two-sum [a b]
  "[s e]: s = a + b rounded, and its rounding error e = (a + b) − s, exactly (Knuth).
  (two-sum 1e16 1.0) ; => [1e16 1.0]"
  (setv s (+ a b)
        bb (- s a))
  [s (+ (- a (- s bb)) (- b bb))])

(defn compensated-sum [xs]
  "Σ xᵢ as if summed in twice the precision, then rounded (Ogita, Rump and Oishi):
  each addition's rounding error is kept, and added back at the end.
  An infinite or NaN total is returned as it is.
  (compensated-sum [1e16 1.0 -1e16]) ; => 1.0"
  (setv total 0.0 lost 0.0)
  (for [x xs]
    (setv [total e] (two-sum total x)
          lost (+ lost e)))
  (if (math.isfinite total) (+ total lost) total))

(defn entropy [ps]
  "H(p) = Σ pᵢ·(−log pᵢ), the expected surprise, in nats; 0·log 0 = 0.
  (entropy [0.5 0.5]) ; => 0.6931471805599453"
  (compensated-sum (lfor p ps (if (= p 0) 0.0 (* p (surprise p))))))

(defn kl-term [p q]
  "p·log(p/q), with 0·log(0/q) = 0 and p·log(p/0) = +∞ (scipy's rel_entr).
  Where q/2 ≤ p ≤ 2q, p − q is exact (Sterbenz's lemma), and log1p((p − q)/q)
  keeps the small log that log(p/q) would lose to the rounding of p/q.
  (kl-term 0.5 0.25) ; => 0.34657359027997264"
  (cond (= p 0) 0.0
        (= q 0) math.inf
        (<= (/ q 2) p (* 2 q)) (* p (log1p (/ (- p q) q)))
        True (* p (math.log (/ p q)))))

(defn kl-divergence [ps qs]
  "D(p‖q) = Σ pᵢ log(pᵢ/qᵢ), in nats: the expected extra surprise of coding p with q.
  (kl-divergence [0.5 0.5] [0.25 0.75]) ; => 0.14384103622589048"
  (compensated-sum (lfor #(p q) (zip ps qs :strict True) (kl-term p q))))
