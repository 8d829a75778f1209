;;; softmax — k logits to k probabilities, shifted by the largest so that nothing overflows.
;;; softmax(z) does not change when one number is added to every zᵢ; subtracting
;;; the largest, m, leaves every exponent ≤ 0: e^(zᵢ − m) ≤ 1, and e^0 = 1 in the sum.

;;> The position k of the first largest zₖ (NaN is never larger).
;;> (argmax (1.0 3.0 2.0 3.0)) ⇒ 1
(define (argmax zs)
  (let loop ((zs (cdr zs)) (i 1) (k 0) (m (car zs)))
    (cond ((null? zs) k)
          ((> (car zs) m) (loop (cdr zs) (+ i 1) i (car zs)))
          (else (loop (cdr zs) (+ i 1) k m)))))

;;> e^(z − m), with the rounding of d = z − m put back: e^(d + r) ≈ e^d + e^d·r.
;;> (Where e^d is 0, d may be −∞ and r NaN: there is nothing to put back.)
;;> (shifted-exp 0.1 30.4) ⇒ 6.932297597586562e-14
(define (shifted-exp z m)
  (let* ((dr (two-sum z (- m)))
         (e (exp (car dr))))
    (if (= e 0) e (+ e (* e (cadr dr))))))

;;> (e^(zᵢ − m) …) for every zᵢ but the one at position `skip` (−1: none).
;;> (shifted-exps (0.0 1.0) 1.0 -1) ⇒ (0.36787944117144233 1.0)
(define (shifted-exps zs m skip)
  (let loop ((zs zs) (i 0) (out '()))
    (cond ((null? zs) (reverse out))
          ((= i skip) (loop (cdr zs) (+ i 1) out))
          (else (loop (cdr zs) (+ i 1) (cons (shifted-exp (car zs) m) out))))))

;;> softmax(z)ᵢ = e^zᵢ / Σ e^zⱼ, computed as e^(zᵢ − m) / Σ e^(zⱼ − m), m = max z.
;;> (softmax (1000.0 1000.0)) ⇒ (0.5 0.5)
(define (softmax zs)
  (let* ((es (shifted-exps zs (list-ref zs (argmax zs)) -1))
         (total (compensated-sum es)))
    (map (lambda (e) (/ e total)) es)))

;;> log Σ e^zᵢ = m + log(1 + Σ_{i≠k} e^(zᵢ − m)), zₖ = m the largest.
;;> (log-sum-exp (1000.0 1000.0)) ⇒ 1000.6931471805599
(define (log-sum-exp zs)
  (let* ((k (argmax zs))
         (m (list-ref zs k)))
    (+ m (log1p (compensated-sum (shifted-exps zs m k))))))

;;> −log softmax(z)_label = (m − z_label) + log(1 + Σ_{i≠k} e^(zᵢ − m)): two terms ≥ 0.
;;> (softmax-cross-entropy 1 (1000.0 -1000.0)) ⇒ 2000.0
(define (softmax-cross-entropy label zs)
  (let* ((k (argmax zs))
         (m (list-ref zs k)))
    (+ (- m (list-ref zs label)) (log1p (compensated-sum (shifted-exps zs m k))))))
