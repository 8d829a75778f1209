;;; information — entropy and KL divergence, in nats: the expected surprise, and its excess.

;;> (s e): s = a + b rounded, and its rounding error e = (a + b) − s, exactly (Knuth).
;;> (two-sum 1e16 1.0) ⇒ (1e16 1.0)
(define (two-sum a b)
  (let* ((s (+ a b))
         (bb (- s a)))
    (list s (+ (- a (- s bb)) (- b bb)))))

;;> Σ xᵢ as if summed in twice the precision, then rounded (Ogita, Rump and Oishi):
;;> each addition's rounding error is kept, and added back at the end.
;;> An infinite or NaN total is returned as it is.
;;> (compensated-sum (1e16 1.0 -1e16)) ⇒ 1.0
(define (compensated-sum xs)
  (let loop ((xs xs) (total 0.0) (lost 0.0))
    (if (null? xs)
        (if (finite? total) (+ total lost) total)
        (let ((se (two-sum total (car xs))))
          (loop (cdr xs) (car se) (+ lost (cadr se)))))))

;;> H(p) = Σ pᵢ·(−log pᵢ), the expected surprise, in nats; 0·log 0 = 0.
;;> (entropy (0.5 0.5)) ⇒ 0.6931471805599453
(define (entropy ps)
  (compensated-sum (map (lambda (p) (if (= p 0) 0.0 (* p (surprise p)))) ps)))

;;> p·log(p/q), with 0·log(0/q) = 0 and p·log(p/0) = +∞ (scipy's rel_entr).
;;> Where q/2 ≤ p ≤ 2q, p − q is exact (Sterbenz's lemma), and log1p((p − q)/q)
;;> keeps the small log that log(p/q) would lose to the rounding of p/q.
;;> (kl-term 0.5 0.25) ⇒ 0.34657359027997264
(define (kl-term p q)
  (cond ((= p 0) 0.0)
        ((= q 0) +inf.0)
        ((<= (/ q 2) p (* 2 q)) (* p (log1p (/ (- p q) q))))
        (else (* p (log (/ p q))))))

;;> D(p‖q) = Σ pᵢ log(pᵢ/qᵢ), in nats: the expected extra surprise of coding p with q.
;;> (kl-divergence (0.5 0.5) (0.25 0.75)) ⇒ 0.14384103622589048
(define (kl-divergence ps qs)
  (compensated-sum (map kl-term ps qs)))
