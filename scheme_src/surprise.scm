;;; surprise — the information in an event of probability p.

;;> −log p, in nats (natural log).
;;> (surprise 0.5) ⇒ 0.6931471805599453
(define (surprise p)
  (- (log p)))

;;> h nats in bits: h / ln 2 (Shannon's base-2 unit).
;;> (nats-to-bits 0.6931471805599453) ⇒ 1.0
(define (nats-to-bits h)
  (/ h (log 2)))
