"""The staff workbench: work queues each app registers, review claims, and the charts.

Ground floor: nothing here imports an app. Apps register their queues
(``registry.queue_register``) from their admin modules, with their own selectors.
"""
