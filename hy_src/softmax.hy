;;; softmax — k logits to k probabilities, shifted by the largest so that nothing overflows.
;;; softmax(z) does not change when one number is added to every zᵢ; subtracting
;;; the largest, m, leaves every exponent ≤ 0: e^(zᵢ − m) ≤ 1, and e^0 = 1 in the sum.

(import math
        .cross-entropy [log1p]
        .information [compensated-sum two-sum])

(defn argmax [zs]
  "The position k of the first largest zₖ (NaN is never larger).
  (argmax [1.0 3.0 2.0 3.0]) ; => 1"
  (setv k 0)
  (for [#(i z) (enumerate zs)]
    (when (> z (get zs k))
      (setv k i)))
  k)

(defn shifted-exp [z m]
  "e^(z − m), with the rounding of d = z − m put back: e^(d + r) ≈ e^d + e^d·r.
  (Where e^d is 0, d may be −∞ and r NaN: there is nothing to put back.)
  (shifted-exp 0.1 30.4) ; => 6.932297597586562e-14"
  (setv [d r] (two-sum z (- m))
        e (math.exp d))
  (if (= e 0) e (+ e (* e r))))

(defn shifted-exps [zs m skip]
  "[e^(zᵢ − m) …] for every zᵢ but the one at position `skip` (−1: none).
  (shifted-exps [0.0 1.0] 1.0 -1) ; => [0.36787944117144233 1.0]"
  (lfor #(i z) (enumerate zs) :if (!= i skip) (shifted-exp z m)))

(defn softmax [zs]
  "softmax(z)ᵢ = e^zᵢ / Σ e^zⱼ, computed as e^(zᵢ − m) / Σ e^(zⱼ − m), m = max z.
  (softmax [1000.0 1000.0]) ; => [0.5 0.5]"
  (setv es (shifted-exps zs (get zs (argmax zs)) -1)
        total (compensated-sum es))
  (lfor e es (/ e total)))

(defn log-sum-exp [zs]
  "log Σ e^zᵢ = m + log(1 + Σ_{i≠k} e^(zᵢ − m)), zₖ = m the largest.
  (log-sum-exp [1000.0 1000.0]) ; => 1000.6931471805599"
  (setv k (argmax zs))
  (+ (get zs k) (log1p (compensated-sum (shifted-exps zs (get zs k) k)))))

(defn softmax-cross-entropy [label zs]
  "−log softmax(z)_label = (m − z_label) + log(1 + Σ_{i≠k} e^(zᵢ − m)): two terms ≥ 0.
  (softmax-cross-entropy 1 [1000.0 -1000.0]) ; => 2000.0"
  (setv k (argmax zs))
  (+ (- (get zs k) (get zs label)) (log1p (compensated-sum (shifted-exps zs (get zs k) k)))))
