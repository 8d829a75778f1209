;;; surprise — the information in an event of probability p.

(import math)

(defn surprise [p]
  "−log p, in nats (natural log).
  (surprise 0.5) ; => 0.6931471805599453"
  (- (math.log p)))

(defn nats-to-bits [h]
  "h nats in bits: h / ln 2 (Shannon's base-2 unit).
  (nats-to-bits 0.6931471805599453) ; => 1.0"
  (/ h (math.log 2)))
